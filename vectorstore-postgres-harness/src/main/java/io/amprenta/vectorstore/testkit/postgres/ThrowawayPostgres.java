package io.amprenta.vectorstore.testkit.postgres;

/**
 * A fresh PostgreSQL database with pgvector for programs outside JUnit, such as the demo and the benchmark
 * harness: the same server the tests use ({@code VECTORSTORE_TEST_DATABASE_URL}, else a pgvector container
 * when Docker answers, else a throwaway cluster under {@code target/}; the container or cluster stops when the JVM
 * exits), with a new database created for the caller and dropped by {@link #close()}.
 *
 * <pre>{@code
 * try (ThrowawayPostgres postgres = ThrowawayPostgres.start("demo")) {
 *     Map<String, String> config = postgres.database().config();   // DATABASE_URL=...
 * }
 * }</pre>
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private final DatabaseScope scope;
    private final TestDatabase database;

    private ThrowawayPostgres(DatabaseScope scope) {
        this.scope = scope;
        this.database = scope.primary();
    }

    /**
     * Starts (or reuses) the server and creates a database named after {@code owner}.
     *
     * @throws IllegalStateException when no server can be started; the message says to run
     *     {@code scripts/install-postgres} or set {@code VECTORSTORE_TEST_DATABASE_URL}
     */
    public static ThrowawayPostgres start(String owner) {
        ManagedServer server = SharedServer.get();
        server.ensureRunning();
        return new ThrowawayPostgres(new DatabaseScope(server, owner));
    }

    /** The database created for the caller. */
    public TestDatabase database() {
        return database;
    }

    /** Drops the database (and any made with {@link TestDatabase#createAnother()}). */
    @Override
    public void close() {
        scope.close();
    }
}
