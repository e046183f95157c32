package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How {@link SharedServer} acts on the choice, for the cases that must fail fast and clearly rather than start
 * anything: these run on every machine, Docker or not.
 */
class SharedServerSelectionTest {

    private static final DockerProbe.Result NO_DOCKER = new DockerProbe.Result(false,
            "no Docker engine answered (no socket /var/run/docker.sock)");

    private final Map<String, String> settings = new HashMap<>();

    private Function<String, Optional<String>> settings() {
        return key -> Optional.ofNullable(settings.get(key));
    }

    @Test
    void forcingTheContainerWithoutDockerFailsBeforeTouchingTestcontainers() {
        settings.put(Settings.TEST_POSTGRES, "container");

        long started = System.nanoTime();
        assertThatThrownBy(() -> SharedServer.create(settings(), () -> NO_DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("VECTORSTORE_TEST_POSTGRES=container, but no Docker engine answered");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void forcingTheContainerWithTheRealProbeOnAMachineWithoutDockerSaysWhereItLooked() {
        DockerProbe.Result real = DockerProbe.probe();
        org.junit.jupiter.api.Assumptions.assumeFalse(real.reachable(), "this machine has a Docker engine");
        settings.put(Settings.TEST_POSTGRES, "container");

        assertThatThrownBy(() -> SharedServer.create(settings(), DockerProbe::probe))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/var/run/docker.sock")
                .hasMessageContaining("DOCKER_HOST");
    }

    @Test
    void forcingTheUrlWithoutOneFails() {
        settings.put(Settings.TEST_POSTGRES, "url");

        assertThatThrownBy(() -> SharedServer.create(settings(), () -> NO_DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VECTORSTORE_TEST_DATABASE_URL is not set");
    }

    @Test
    void aUrlIsUsedAsSoonAsItIsSetAndItsFailureNamesTheSetting() {
        // Port 1 on loopback: nothing listens, so the connection is refused at once.
        settings.put(Settings.TEST_DATABASE_URL, "postgresql://someone:secret@127.0.0.1:1/postgres");

        assertThatThrownBy(() -> SharedServer.create(settings(), () -> {
            throw new AssertionError("a URL run must not probe for Docker");
        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot connect to VECTORSTORE_TEST_DATABASE_URL")
                .hasMessageNotContaining("secret");
    }

    @Test
    void anUnknownModeFails() {
        settings.put(Settings.TEST_POSTGRES, "podman");

        assertThatThrownBy(() -> SharedServer.create(settings(), () -> NO_DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VECTORSTORE_TEST_POSTGRES=podman is not one of");
    }
}
