package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code scripts/install-postgres}'s check of what is installed, run against a server directory made up in a temp
 * directory (a {@code pg_config} that points at our own {@code vector.control}), with {@code apt-get},
 * {@code apt-cache} and {@code sudo} on the PATH replaced by stand-ins that record being called: the check and the
 * "nothing to do" path must never reach apt.
 */
class InstallPostgresScriptTest {

    @TempDir
    Path dir;

    private Path script;
    private Path bindir;
    private Path share;
    private Path lib;
    private Path calls;
    private Path fakeTools;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void fakeServer() throws IOException {
        Optional<Path> found = findScript();
        assumeTrue(found.isPresent(), "scripts/install-postgres is not in a parent directory");
        script = found.get();
        bindir = Files.createDirectories(dir.resolve("bin"));
        share = Files.createDirectories(dir.resolve("share/extension")).getParent();
        lib = Files.createDirectories(dir.resolve("lib"));
        calls = dir.resolve("calls");
        fakeTools = Files.createDirectories(dir.resolve("tools"));
        executable(bindir.resolve("initdb"), "exit 0");
        executable(bindir.resolve("pg_ctl"), "exit 0");
        executable(bindir.resolve("postgres"), "echo 'postgres (PostgreSQL) 15.99 (Debian 15.99-0+deb12u1)'");
        executable(bindir.resolve("pg_config"), String.join("\n",
                "case \"$1\" in",
                "  --sharedir) echo '" + share + "' ;;",
                "  --pkglibdir) echo '" + lib + "' ;;",
                "  *) exit 1 ;;",
                "esac"));
        for (String tool : List.of("apt-get", "apt-cache", "sudo")) {
            executable(fakeTools.resolve(tool), "echo " + tool + " \"$@\" >> '" + calls + "'; exit 1");
        }
    }

    @Test
    void theMinimumIsDeclaredOnceAndMatchesTheHarness() throws IOException {
        List<String> declarations = new ArrayList<>();
        Matcher matcher = Pattern.compile("(?m)^readonly MIN_PGVECTOR=(\\S+)$").matcher(Files.readString(script));
        while (matcher.find()) {
            declarations.add(matcher.group(1));
        }

        assertThat(declarations).containsExactly(DatabaseScope.MIN_PGVECTOR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.8.0", "0.8.7", "0.8.10", "0.9.0", "1.0.0"})
    void aNewEnoughPgvectorPassesTheCheck(String version) throws Exception {
        installPgvector(version);

        Run run = run("--check");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("PostgreSQL 15.99 (" + bindir + ") with pgvector " + version
                + " is ready.\n");
        assertThat(calls).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.7.4", "0.5.1"})
    void anOlderPgvectorFailsTheCheckAndSaysWhy(String version) throws Exception {
        installPgvector(version);

        Run run = run("--check");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("has pgvector " + version + ", older than " + DatabaseScope.MIN_PGVECTOR);
        assertThat(calls).doesNotExist();
    }

    @Test
    void noPgvectorFailsTheCheck() throws Exception {
        Run run = run("--check");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("PostgreSQL 15.99 (" + bindir + ") has no pgvector");
        assertThat(calls).doesNotExist();
    }

    @Test
    void theInstallerHasNothingToDoWhenEverythingIsThere() throws Exception {
        installPgvector("0.8.7");

        Run run = run();

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("PostgreSQL 15.99 (" + bindir + ") with pgvector 0.8.7 is ready.\n");
        assertThat(calls).doesNotExist();
    }

    @Test
    void anUnknownArgumentIsRefused() throws Exception {
        Run run = run("--chek");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("unknown argument '--chek'");
    }

    private void installPgvector(String version) throws IOException {
        Files.writeString(share.resolve("extension/vector.control"), String.join("\n",
                "comment = 'vector data type and ivfflat and hnsw access methods'",
                "default_version = '" + version + "'",
                "module_pathname = '$libdir/vector'",
                "relocatable = true", ""));
        Files.writeString(lib.resolve("vector.so"), "");
    }

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        Map<String, String> env = builder.environment();
        env.remove("VECTORSTORE_SKIP_INSTALL");
        env.put("VECTORSTORE_PG_BINDIR", bindir.toString());
        env.put("PATH", fakeTools + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script finished").isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
    }

    private static void executable(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Optional<Path> findScript() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("scripts/install-postgres");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
