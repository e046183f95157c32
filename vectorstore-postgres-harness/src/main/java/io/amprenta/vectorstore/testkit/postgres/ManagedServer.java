package io.amprenta.vectorstore.testkit.postgres;

/** What the harness itself needs from a server, beyond what tests see. */
interface ManagedServer extends PostgresServer {

    /** A superuser-ish login and the maintenance database, used to create and drop the test databases. */
    PostgresUrl adminUrl();

    /** What to do when the {@code vector} extension is missing or too old on this server. */
    String pgvectorHint();

    /** Makes sure the server runs again, e.g. after a test stopped it and failed before starting it. */
    default void ensureRunning() {
        if (!isExternal() && !isRunning()) {
            start();
        }
    }
}
