package io.amprenta.vectorstore.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the demo's steps the way an operator would: each {@code vectorstore} command as a process of the
 * executable jar, with the demo's environment, its output shown as it comes; and the application's SQL.
 */
final class DemoSteps implements AutoCloseable {

    private final PrintStream out;
    private final Path cliJar;
    private final Map<String, String> environment;
    private final HikariDataSource database;
    private final ProcessBuilder.Redirect commandOutput;

    DemoSteps(PrintStream out, Path cliJar, Map<String, String> environment, ProcessBuilder.Redirect commandOutput) {
        this.out = out;
        this.cliJar = cliJar;
        this.environment = Map.copyOf(environment);
        this.commandOutput = commandOutput;
        this.database = PgDataSources.create(VectorStoreConfig.of(environment), 2);
    }

    /** Runs {@code vectorstore <args>} to its end; fails the demo when it does not succeed. */
    void vectorstore(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("`vectorstore " + String.join(" ", args) + "` exited with " + exit);
        }
    }

    /**
     * Runs {@code vectorstore <args>} to its end like {@link #vectorstore}, calling {@code buildStarted} when
     * PostgreSQL starts building an index on {@code table} (seen in {@code pg_stat_progress_create_index}), so that
     * a migration's index build is timed apart from its copy.
     */
    void vectorstoreWatchingIndexBuild(String table, Runnable buildStarted, String... args)
            throws IOException, InterruptedException, SQLException {
        Process process = start(args);
        boolean seen = false;
        while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
            if (!seen && count("SELECT count(*) FROM pg_stat_progress_create_index WHERE relid = to_regclass('" + table + "')") > 0) {
                seen = true;
                buildStarted.run();
            }
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("`vectorstore " + String.join(" ", args) + "` exited with " + process.exitValue());
        }
    }

    /** The table's size on disk: its rows, its indexes and the HNSW index alone, with the row count. */
    String sizes(String table) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
             ResultSet result = sql.executeQuery("SELECT (SELECT count(*) FROM " + table + "), pg_relation_size('" + table + "'),"
                     + " pg_indexes_size('" + table + "'), pg_total_relation_size('" + table + "'),"
                     + " (SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                     + " JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = to_regclass('" + table + "') AND a.amname = 'hnsw')")) {
            result.next();
            long rows = result.getLong(1);
            long hnsw = result.getLong(5);
            return String.format("%s on disk: %,d rows; table %,d MB (pg_relation_size), indexes %,d MB, of which HNSW %,d MB"
                    + " (%,d bytes a row); in all %,d MB (pg_total_relation_size)", table, rows, result.getLong(2) >> 20,
                    result.getLong(3) >> 20, hnsw >> 20, rows == 0 ? 0 : hnsw / rows, result.getLong(4) >> 20);
        }
    }

    /**
     * Runs {@code vectorstore <args>} and kills it with SIGKILL once {@code fraction} of {@code total} records
     * are done (or lets it finish if it gets there first).
     *
     * @return the records done when it was killed
     */
    long vectorstoreKilledAt(double fraction, long total, String... args) throws IOException, InterruptedException, SQLException {
        Process process = start(args);
        long done = 0;
        while (process.isAlive() && done < fraction * total) {
            Thread.sleep(100);
            done = doneSoFar();
        }
        process.destroyForcibly();
        process.waitFor(1, TimeUnit.MINUTES);
        return doneSoFar();
    }

    private long doneSoFar() throws SQLException {
        if (count("SELECT count(*) FROM pg_tables WHERE tablename = 'migration_progress'") == 0) {
            return 0;
        }
        return count("SELECT count(*) FROM migration_progress WHERE run_id = 'demo' AND status = 'done'");
    }

    private Process start(String... args) throws IOException {
        List<String> shown = new ArrayList<>(List.of(args));
        if (args[0].equals("migrate")) {
            shown.add("--run-id");
            shown.add("demo");
        }
        out.println();
        out.println("$ vectorstore " + String.join(" ", shown));
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", cliJar.toString()));
        command.addAll(shown);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(commandOutput).redirectError(commandOutput);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Runs one statement of the application's SQL, showing it; {@code ownTable} first drops the demo's table from an earlier run. */
    void sql(String statement, boolean ownTable) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            if (ownTable) {
                // Only in a database of the user's: the demo's own table and run, from an earlier demo.
                sql.execute("DROP TABLE IF EXISTS " + DemoMain.USER_DATABASE_TABLE);
                sql.execute("DO $$ BEGIN IF to_regclass('migration_progress') IS NOT NULL THEN"
                        + " DELETE FROM migration_progress WHERE run_id = 'demo'; DELETE FROM migration_batches WHERE run_id = 'demo';"
                        + " DELETE FROM migration_runs WHERE run_id = 'demo';"
                        + " END IF; END $$");
            }
            out.println("SQL> " + statement);
            sql.execute(statement);
        }
    }

    long count(String query) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
             ResultSet result = sql.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
