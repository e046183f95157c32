package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.testkit.postgres.ServerChoice.Source;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ServerChoiceTest {

    private static final DockerProbe.Result DOCKER = new DockerProbe.Result(true, "Docker engine at unix:///var/run/docker.sock");
    private static final DockerProbe.Result NO_DOCKER = new DockerProbe.Result(false,
            "no Docker engine answered (no socket /var/run/docker.sock)");

    /** Counts how often the choice asked for Docker, so tests can check it is not probed needlessly. */
    private static final class Probe implements Supplier<DockerProbe.Result> {
        final AtomicInteger calls = new AtomicInteger();
        final DockerProbe.Result result;

        Probe(DockerProbe.Result result) {
            this.result = result;
        }

        @Override
        public DockerProbe.Result get() {
            calls.incrementAndGet();
            return result;
        }
    }

    @Test
    void unsetUsesTheUrlWhenGivenWithoutAskingForDocker() {
        Probe probe = new Probe(DOCKER);

        ServerChoice choice = ServerChoice.choose(Optional.empty(), true, probe);

        assertThat(choice.source()).isEqualTo(Source.URL);
        assertThat(choice.forced()).isFalse();
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void unsetUsesAContainerWhenDockerAnswers() {
        ServerChoice choice = ServerChoice.choose(Optional.empty(), false, new Probe(DOCKER));

        assertThat(choice.source()).isEqualTo(Source.CONTAINER);
        assertThat(choice.forced()).isFalse();
        assertThat(choice.reason()).contains("unix:///var/run/docker.sock");
    }

    @Test
    void unsetFallsBackToTheLocalClusterWithoutDockerAndSaysWhy() {
        ServerChoice choice = ServerChoice.choose(Optional.empty(), false, new Probe(NO_DOCKER));

        assertThat(choice.source()).isEqualTo(Source.LOCAL);
        assertThat(choice.forced()).isFalse();
        assertThat(choice.reason()).contains("no socket /var/run/docker.sock");
    }

    @Test
    void autoIsTheSameAsUnset() {
        assertThat(ServerChoice.choose(Optional.of("auto"), false, new Probe(NO_DOCKER)).source()).isEqualTo(Source.LOCAL);
        assertThat(ServerChoice.choose(Optional.of(" AUTO "), true, new Probe(DOCKER)).source()).isEqualTo(Source.URL);
    }

    @Test
    void forcedLocalIgnoresTheUrlAndDocker() {
        Probe probe = new Probe(DOCKER);

        ServerChoice choice = ServerChoice.choose(Optional.of("local"), true, probe);

        assertThat(choice.source()).isEqualTo(Source.LOCAL);
        assertThat(choice.forced()).isTrue();
        assertThat(choice.reason()).contains("VECTORSTORE_TEST_DATABASE_URL is ignored");
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void forcedContainerWinsOverTheUrl() {
        ServerChoice choice = ServerChoice.choose(Optional.of("Container"), true, new Probe(DOCKER));

        assertThat(choice.source()).isEqualTo(Source.CONTAINER);
        assertThat(choice.forced()).isTrue();
    }

    @Test
    void forcedContainerWithoutDockerIsAnErrorNamingWhereItLooked() {
        assertThatThrownBy(() -> ServerChoice.choose(Optional.of("container"), false, new Probe(NO_DOCKER)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VECTORSTORE_TEST_POSTGRES=container")
                .hasMessageContaining("no socket /var/run/docker.sock")
                .hasMessageContaining("DOCKER_HOST")
                .hasMessageContaining("=local");
    }

    @Test
    void forcedUrlWithoutAUrlIsAnError() {
        Probe probe = new Probe(DOCKER);

        assertThatThrownBy(() -> ServerChoice.choose(Optional.of("url"), false, probe))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VECTORSTORE_TEST_POSTGRES=url")
                .hasMessageContaining("VECTORSTORE_TEST_DATABASE_URL is not set");
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void forcedUrlUsesIt() {
        ServerChoice choice = ServerChoice.choose(Optional.of("url"), true, new Probe(NO_DOCKER));

        assertThat(choice.source()).isEqualTo(Source.URL);
        assertThat(choice.forced()).isTrue();
    }

    @Test
    void anUnknownValueListsTheValidOnes() {
        assertThatThrownBy(() -> ServerChoice.choose(Optional.of("docker"), false, new Probe(DOCKER)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VECTORSTORE_TEST_POSTGRES=docker is not one of url, container, local or auto");
    }
}
