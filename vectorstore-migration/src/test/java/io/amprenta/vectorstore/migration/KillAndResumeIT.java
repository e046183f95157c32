package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migrator killed with SIGKILL at random points, again and again, then resumed: the pgvector table ends
 * equal to the source, no row written twice. The source is the Pinecone emulator reached through the real
 * client; each migration runs in a process of its own.
 */
@ExtendWith(PostgresExtension.class)
class KillAndResumeIT {

    private static final int DIMENSION = 16;
    private static final int KILLS = 6;

    private PineconeEmulator emulator;
    private TestDatabase database;
    private final List<String> childOutput = new ArrayList<>();

    @BeforeEach
    void setUp(TestDatabase classDatabase) throws SQLException {
        database = classDatabase.createAnother();
        SchemaManager.create(database.dataSource(), PgVectorSettings.builder().dimension(DIMENSION).build()).upgrade();
        countWritesPerRow();
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("kill-test").start();
        Random random = new Random(11);
        emulator.load("", TestData.randomRecords(random, 12_000, DIMENSION, "doc#"));
        emulator.load("tenant-b", TestData.randomRecords(random, 3_000, DIMENSION, "b#"));
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    @Test
    void killedAtRandomAndResumedTheTargetEqualsTheSourceExactly() throws Exception {
        Random random = new Random(99);
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = startChild();
            int batchesBeforeKill = 1 + random.nextInt(6);
            boolean reachedTarget = awaitBatches(child, batchesBeforeKill);
            Thread.sleep(random.nextInt(150));
            child.destroyForcibly();
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
            if (!reachedTarget) {
                break; // the run finished before this kill; nothing left to interrupt
            }
        }
        long doneBeforeFinalRun = count("SELECT count(*) FROM migration_progress WHERE status = 'done'");

        Process last = startChild();
        awaitBatches(last, Integer.MAX_VALUE);
        assertThat(last.waitFor(3, TimeUnit.MINUTES)).as(String.join("\n", childOutput)).isTrue();

        assertThat(last.exitValue()).as(String.join("\n", childOutput)).isZero();
        assertThat(doneBeforeFinalRun).as("the killed runs made progress").isPositive().isLessThan(15_000);
        assertThat(count("SELECT count(*) FROM rag_chunks")).isEqualTo(15_000);
        try (VectorStore target = VectorStores.get(pgvectorConfig())) {
            assertEqualsSource(target, "");
            assertEqualsSource(target, "tenant-b");
        }
        assertThat(count("SELECT count(*) FROM row_writes")).as("rows written").isEqualTo(15_000);
        assertThat(count("SELECT count(*) FROM row_writes WHERE writes <> 1")).as("rows written twice").isZero();
        assertThat(count("SELECT count(*) FROM migration_progress WHERE status <> 'done'")).isZero();
    }

    @Test
    void twoProcessesOnOneRunShareTheWorkAndWriteNothingTwice() throws Exception {
        // Slow fetches: some seconds of work, so that the second process is up before the first could finish alone.
        emulator.faults().limitTo(PineconeOperation.FETCH).latency(Duration.ofMillis(100));
        Process first = startChild();
        Process second = startChild();
        CompletableFuture<List<String>> firstOutput = readAll(first);
        CompletableFuture<List<String>> secondOutput = readAll(second);

        List<String> firstLines = firstOutput.get(3, TimeUnit.MINUTES);
        List<String> secondLines = secondOutput.get(3, TimeUnit.MINUTES);
        assertThat(first.waitFor(1, TimeUnit.MINUTES) && second.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(first.exitValue()).as(String.join("\n", firstLines)).isZero();
        assertThat(second.exitValue()).as(String.join("\n", secondLines)).isZero();
        long copiedByFirst = copied(firstLines);
        long copiedBySecond = copied(secondLines);
        assertThat(copiedByFirst + copiedBySecond).isEqualTo(15_000);
        assertThat(copiedByFirst).as("the first process took part").isPositive();
        assertThat(copiedBySecond).as("the second process took part").isPositive();
        try (VectorStore target = VectorStores.get(pgvectorConfig())) {
            assertEqualsSource(target, "");
            assertEqualsSource(target, "tenant-b");
        }
        assertThat(count("SELECT count(*) FROM row_writes")).as("rows written").isEqualTo(15_000);
        assertThat(count("SELECT count(*) FROM row_writes WHERE writes <> 1")).as("rows written twice").isZero();
    }

    // Each child is read by a thread of its own, so that neither blocks on a full pipe while the other is read.
    private static CompletableFuture<List<String>> readAll(Process child) {
        CompletableFuture<List<String>> lines = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            List<String> read = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    read.add(line);
                }
                lines.complete(read);
            } catch (IOException e) {
                lines.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static long copied(List<String> output) {
        return output.stream().filter(line -> line.startsWith("OUTCOME")).mapToLong(line ->
                Long.parseLong(line.substring(line.indexOf("copied=") + "copied=".length()))).sum();
    }

    private void assertEqualsSource(VectorStore target, String namespace) {
        List<VectorRecord> expected = emulator.records(namespace);
        Map<String, VectorRecord> actual = target.inNamespace(namespace).fetch(expected.stream().map(VectorRecord::id).toList());
        assertThat(actual).hasSize(expected.size());
        expected.forEach(record -> assertThat(actual.get(record.id())).as(record.id()).isEqualTo(record));
    }

    private Map<String, String> pgvectorConfig() {
        Map<String, String> config = new HashMap<>(database.config());
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        return config;
    }

    private Process startChild() throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", MigrationChild.class.getName()));
        emulator.hostConfig().forEach((key, value) -> command.add(key + "=" + value));
        command.addAll(List.of("JDBC_URL=" + database.jdbcUrl(), "JDBC_USER=" + database.user(),
                "JDBC_PASSWORD=" + database.password(), "RUN_ID=kill-test", "WORKERS=3", "BATCH_SIZE=250", "LEASE_SECONDS=2"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the child's output until it reported {@code batches} committed batches or ended; true if it got there. */
    private boolean awaitBatches(Process child, int batches) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        int seen = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            childOutput.add(line);
            if (line.startsWith("BATCH") && ++seen >= batches) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts every committed write of each row of rag_chunks in row_writes, exactly: the trigger runs in the writer's
     * transaction, so a write rolled back (a lapsed claim) is not counted and a write committed twice is counted twice.
     * PostgreSQL's statistics (n_tup_upd) are collected asynchronously and could still read zero with duplicates present.
     */
    private void countWritesPerRow() throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE row_writes (namespace text NOT NULL, id text NOT NULL, writes integer NOT NULL,"
                    + " PRIMARY KEY (namespace, id))");
            statement.execute("CREATE FUNCTION count_row_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO row_writes VALUES (NEW.namespace, NEW.id, 1)"
                    + " ON CONFLICT (namespace, id) DO UPDATE SET writes = row_writes.writes + 1; RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER count_row_writes AFTER INSERT OR UPDATE ON rag_chunks FOR EACH ROW"
                    + " EXECUTE FUNCTION count_row_write()");
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
