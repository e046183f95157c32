package io.amprenta.vectorstore.testkit.postgres;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides where the JVM's test server comes from: {@code VECTORSTORE_TEST_DATABASE_URL} when set, else a
 * Testcontainers pgvector container when a Docker engine answers, else a throwaway local cluster. The setting
 * {@code VECTORSTORE_TEST_POSTGRES} ({@code url}, {@code container}, {@code local}; {@code auto} or unset for the
 * order above) forces one, and a forced choice that cannot work is an error rather than a quiet fallback.
 *
 * @param source where the server comes from
 * @param forced true when {@code VECTORSTORE_TEST_POSTGRES} named it (so failing to start it must not fall back)
 * @param reason why, in words, for the log
 */
record ServerChoice(Source source, boolean forced, String reason) {

    /** The three places a test server can come from. */
    enum Source {
        /** The server named by {@code VECTORSTORE_TEST_DATABASE_URL}. */
        URL,
        /** A pgvector container started through Testcontainers. */
        CONTAINER,
        /** A throwaway cluster started with the machine's initdb and pg_ctl. */
        LOCAL
    }

    /**
     * @param mode the value of {@code VECTORSTORE_TEST_POSTGRES}, if set
     * @param urlSet whether {@code VECTORSTORE_TEST_DATABASE_URL} is set
     * @param docker asked only when the choice depends on it, so a URL run never probes for Docker
     * @throws IllegalStateException for an unknown mode, or a forced choice that cannot work here
     */
    static ServerChoice choose(Optional<String> mode, boolean urlSet, Supplier<DockerProbe.Result> docker) {
        String value = mode.map(m -> m.strip().toLowerCase(Locale.ROOT)).orElse("auto");
        switch (value) {
            case "url":
                if (!urlSet) {
                    throw new IllegalStateException(Settings.TEST_POSTGRES + "=url, but " + Settings.TEST_DATABASE_URL
                            + " is not set. Set it to postgresql://user:pass@host:port/db (a user allowed to create"
                            + " databases), or unset " + Settings.TEST_POSTGRES + " to let the harness choose.");
                }
                return new ServerChoice(Source.URL, true, Settings.TEST_POSTGRES + "=url");
            case "container": {
                DockerProbe.Result probe = docker.get();
                if (!probe.reachable()) {
                    throw new IllegalStateException(Settings.TEST_POSTGRES + "=container, but " + probe.summary()
                            + ". Start Docker, or set DOCKER_HOST to where its engine listens, or set "
                            + Settings.TEST_POSTGRES + "=local (a throwaway cluster from this machine's initdb) or "
                            + "url (with " + Settings.TEST_DATABASE_URL + ").");
                }
                return new ServerChoice(Source.CONTAINER, true, Settings.TEST_POSTGRES + "=container, " + probe.summary());
            }
            case "local":
                return new ServerChoice(Source.LOCAL, true, Settings.TEST_POSTGRES + "=local"
                        + (urlSet ? " (" + Settings.TEST_DATABASE_URL + " is ignored)" : ""));
            case "auto":
            case "":
                if (urlSet) {
                    return new ServerChoice(Source.URL, false, Settings.TEST_DATABASE_URL + " is set");
                }
                DockerProbe.Result probe = docker.get();
                return probe.reachable()
                        ? new ServerChoice(Source.CONTAINER, false, probe.summary())
                        : new ServerChoice(Source.LOCAL, false, probe.summary());
            default:
                throw new IllegalStateException(Settings.TEST_POSTGRES + "=" + mode.get().strip()
                        + " is not one of url, container, local or auto (unset means auto: "
                        + Settings.TEST_DATABASE_URL + " if set, else a container if Docker answers, else a local"
                        + " cluster).");
        }
    }
}
