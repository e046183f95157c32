package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The one place the library's index builds get their {@code maintenance_work_mem} and
 * {@code max_parallel_maintenance_workers}: {@code schema upgrade}, the rebuild after a deferred bulk load and
 * {@link PgVectorTable#buildVectorIndex(IndexBuildOptions)} all call {@link #configure} before their
 * {@code CREATE INDEX} (ARCHITECTURE.md, "Index builds").
 */
final class IndexBuilds {

    private IndexBuilds() {
    }

    /**
     * Sets the build's memory and parallel workers for the current transaction ({@code local}) or session. Workers
     * not given are derived from the server: its {@code max_parallel_workers} (itself bounded by
     * {@code max_worker_processes}), at most {@link IndexBuildOptions#DERIVED_WORKERS_CAP}.
     *
     * @return the statements run, for reports
     */
    static List<String> configure(Connection connection, IndexBuildOptions options, boolean local)
            throws SQLException {
        int workers = options.parallelWorkers().isPresent() ? options.parallelWorkers().getAsInt()
                : derivedWorkers(connection);
        String scope = local ? "SET LOCAL " : "SET ";
        // Both values were validated by IndexBuildOptions (a size like 1GB, a small integer).
        List<String> statements = java.util.List.of(
                scope + "maintenance_work_mem = '" + options.maintenanceWorkMem() + "'",
                scope + "max_parallel_maintenance_workers = " + workers);
        for (String statement : statements) {
            Jdbc.execute(connection, statement);
        }
        return statements;
    }

    /** Gives the session back its defaults after a build outside a transaction (a pooled connection lives on). */
    static void reset(Connection connection) throws SQLException {
        Jdbc.execute(connection, "RESET maintenance_work_mem");
        Jdbc.execute(connection, "RESET max_parallel_maintenance_workers");
    }

    /** The server's {@code max_parallel_workers} and {@code max_worker_processes}, the smaller, capped. */
    static int derivedWorkers(Connection connection) throws SQLException {
        int server = Jdbc.first(connection, Jdbc.Statement.of("SELECT least(current_setting('max_parallel_workers')::int,"
                + " current_setting('max_worker_processes')::int)"), row -> row.getInt(1)).orElseThrow();
        return Math.max(0, Math.min(server, IndexBuildOptions.DERIVED_WORKERS_CAP));
    }
}
