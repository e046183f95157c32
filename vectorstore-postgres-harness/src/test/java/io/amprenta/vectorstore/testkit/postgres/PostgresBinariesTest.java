package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresBinariesTest {

    /** A machine described by data: which settings exist, what pg_config says, which dirs hold initdb. */
    private static final class FakeMachine implements PostgresBinaries.Machine {
        final Map<String, String> settings = new HashMap<>();
        Optional<String> pgConfig = Optional.empty();
        List<Path> versioned = List.of();
        Optional<Path> onPath = Optional.empty();
        Set<Path> withServer = Set.of();

        @Override
        public Optional<String> setting(String key) {
            return Optional.ofNullable(settings.get(key));
        }

        @Override
        public Optional<String> pgConfigBindir() {
            return pgConfig;
        }

        @Override
        public List<Path> versionedBinDirs() {
            return versioned;
        }

        @Override
        public Optional<Path> initdbOnPath() {
            return onPath;
        }

        @Override
        public boolean hasServerPrograms(Path bindir) {
            return withServer.contains(bindir);
        }
    }

    private static final Path CUSTOM = Path.of("/opt/pg/bin");
    private static final Path PG_CONFIG_DIR = Path.of("/usr/lib/postgresql/15/bin");
    private static final Path PG_9_6 = Path.of("/usr/lib/postgresql/9.6/bin");
    private static final Path PG_16 = Path.of("/usr/lib/postgresql/16/bin");
    private static final Path PG_17 = Path.of("/usr/lib/postgresql/17/bin");
    private static final Path ON_PATH = Path.of("/usr/local/bin");

    private FakeMachine everythingInstalled() {
        FakeMachine machine = new FakeMachine();
        machine.settings.put(Settings.PG_BINDIR, CUSTOM.toString());
        machine.pgConfig = Optional.of(PG_CONFIG_DIR.toString());
        machine.versioned = List.of(PG_16, PG_9_6, PG_17, PG_CONFIG_DIR);
        machine.onPath = Optional.of(ON_PATH);
        machine.withServer = Set.of(CUSTOM, PG_CONFIG_DIR, PG_9_6, PG_16, PG_17, ON_PATH);
        return machine;
    }

    @Test
    void theExplicitSettingWins() {
        assertThat(PostgresBinaries.find(everythingInstalled())).isEqualTo(CUSTOM);
    }

    @Test
    void anExplicitSettingWithoutInitdbIsAnErrorNotSilentlySkipped() {
        FakeMachine machine = everythingInstalled();
        machine.withServer = Set.of(PG_CONFIG_DIR, PG_17);

        assertThatThrownBy(() -> PostgresBinaries.find(machine))
                .hasMessageContaining(Settings.PG_BINDIR + "=" + CUSTOM)
                .hasMessageContaining("scripts/install-postgres");
    }

    @Test
    void thenPgConfigBindir() {
        FakeMachine machine = everythingInstalled();
        machine.settings.clear();

        assertThat(PostgresBinaries.find(machine)).isEqualTo(PG_CONFIG_DIR);
    }

    @Test
    void pgConfigPointingAtAClientOnlyInstallIsSkipped() {
        FakeMachine machine = everythingInstalled();
        machine.settings.clear();
        machine.withServer = Set.of(PG_9_6, PG_16, PG_17, ON_PATH);

        assertThat(PostgresBinaries.find(machine)).isEqualTo(PG_17);
    }

    @Test
    void thenTheHighestVersionedDirectoryComparedAsNumbers() {
        FakeMachine machine = everythingInstalled();
        machine.settings.clear();
        machine.pgConfig = Optional.empty();
        machine.withServer = Set.of(PG_9_6, PG_16, ON_PATH);

        assertThat(PostgresBinaries.find(machine)).isEqualTo(PG_16);
    }

    @Test
    void thenInitdbOnThePath() {
        FakeMachine machine = everythingInstalled();
        machine.settings.clear();
        machine.pgConfig = Optional.empty();
        machine.versioned = List.of();

        assertThat(PostgresBinaries.find(machine)).isEqualTo(ON_PATH);
    }

    @Test
    void nothingFoundSaysWhatToRun() {
        assertThatThrownBy(() -> PostgresBinaries.find(new FakeMachine()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scripts/install-postgres")
                .hasMessageContaining(Settings.TEST_DATABASE_URL);
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(PostgresBinaries.compareVersions("9.6", "10")).isNegative();
        assertThat(PostgresBinaries.compareVersions("0.8.0", "0.8")).isZero();
        assertThat(PostgresBinaries.compareVersions("0.7.4", "0.8")).isNegative();
        assertThat(PostgresBinaries.compareVersions("0.10.0", "0.8")).isPositive();
    }
}
