package io.amprenta.vectorstore.testkit.postgres;

/**
 * The PostgreSQL server behind a {@link TestDatabase}, for fault tests: stop it, start it again, or restart it in the
 * middle of a run to check that clients recover.
 *
 * <p>The server is shared by every test class in the JVM, so a test that stops it must start it again (the harness
 * starts a stopped throwaway server again when the test class ends, so one failed test does not take the rest
 * down). Against an external server ({@code VECTORSTORE_TEST_DATABASE_URL}) the harness does not control the
 * process: {@link #stop()}, {@link #start()} and {@link #restart()} throw {@link UnsupportedOperationException};
 * check {@link #isExternal()} and skip, for example with
 * {@code Assumptions.assumeFalse(db.server().isExternal(), "needs a server the harness can restart")}.
 */
public interface PostgresServer {

    /** The address clients connect to; {@code 127.0.0.1} for the throwaway server. */
    String host();

    /** The port clients connect to; it stays the same across {@link #stop()}/{@link #start()}. */
    int port();

    /** The server's version as it reports it, e.g. {@code 15.20}. */
    String version();

    /** True when the server came from {@code VECTORSTORE_TEST_DATABASE_URL} and cannot be stopped or started. */
    boolean isExternal();

    /** True while the server accepts connections (as far as the harness knows). */
    boolean isRunning();

    /**
     * Stops the server ({@code pg_ctl stop -m fast}): open connections are cut, in-flight transactions roll back,
     * committed data stays. Does nothing if it is already stopped.
     *
     * @throws UnsupportedOperationException on an external server
     */
    void stop();

    /**
     * Starts a stopped server on the same port and data directory, and returns once it accepts connections.
     * Does nothing if it is running.
     *
     * @throws UnsupportedOperationException on an external server
     */
    void start();

    /**
     * {@link #stop()} then {@link #start()}: existing connections break, new ones work and see all committed data.
     *
     * @throws UnsupportedOperationException on an external server
     */
    void restart();
}
