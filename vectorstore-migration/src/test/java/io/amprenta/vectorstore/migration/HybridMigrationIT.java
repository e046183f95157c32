package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole record end to end: a Pinecone index (the emulator, through the real client) of dense-plus-sparse records
 * in two namespaces, sparse indices up to 2^32 - 1 (most above 10^9), is migrated into pgvector by a migrator in a
 * process of its own, which is killed with SIGKILL part-way and then resumed; {@code verify} in full mode finds
 * nothing lost (sparse values compared exactly), and the same hybrid queries, with and without a filter, answer the
 * same ids with the same scores from Pinecone and from pgvector.
 */
@ExtendWith(PostgresExtension.class)
class HybridMigrationIT {

    private static final int DIMENSION = 8;
    private final List<String> childOutput = new ArrayList<>();

    @Test
    void hybridRecordsSurviveAKilledMigrationAndAnswerHybridQueriesAsPineconeDoes(TestDatabase database) throws Exception {
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        Random random = new Random(13);
        Map<String, List<VectorRecord>> loaded = Map.of("", records(random, "doc#", 600), "tenant", records(random, "t#", 300));
        assertThat(loaded.values().stream().flatMap(List::stream).filter(VectorRecord::hasSparseValues)
                .flatMapToLong(record -> java.util.Arrays.stream(record.sparseValues().indices()))
                .filter(index -> index > 1_000_000_000L).count()).as("sparse indices above 10^9").isGreaterThan(1_000);
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT)
                .indexName("hybrid").start();
             VectorStore source = VectorStores.get(emulator.hostConfig());
             VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
            loaded.forEach(emulator::load);
            // Slow fetches, so that the kill lands part-way through the 18 batches.
            emulator.faults().limitTo(PineconeOperation.FETCH).latency(Duration.ofMillis(40));

            Process killed = startChild(emulator, database);
            assertThat(awaitBatches(killed, 3)).as(String.join("\n", childOutput)).isTrue();
            killed.destroyForcibly();
            assertThat(killed.waitFor(1, TimeUnit.MINUTES)).isTrue();
            long doneWhenKilled = count(database, "SELECT count(*) FROM migration_progress WHERE status = 'done'");
            assertThat(doneWhenKilled).as("killed part-way").isPositive().isLessThan(900);

            emulator.faults().clear();
            Process resumed = startChild(emulator, database);
            awaitBatches(resumed, Integer.MAX_VALUE);
            assertThat(resumed.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(resumed.exitValue()).as(String.join("\n", childOutput)).isZero();
            assertThat(count(database, "SELECT count(*) FROM migration_progress WHERE status <> 'done'")).isZero();

            // verify --sample all: every record of both namespaces compared, sparse values exactly.
            VerificationReport verified = Verification.builder(source, target).compareAll().build().run();
            assertThat(verified.passed()).as(String.join("\n", verified.problems())).isTrue();
            assertThat(verified.namespaces()).extracting(VerificationReport.NamespaceResult::compared).containsExactlyInAnyOrder(600L, 300L);
            loaded.forEach((namespace, records) -> {
                Map<String, VectorRecord> copied = target.inNamespace(namespace)
                        .fetch(records.stream().map(VectorRecord::id).toList());
                assertThat(copied).hasSize(records.size());
                records.forEach(record -> assertThat(copied.get(record.id())).as(record.id()).isEqualTo(record));
            });

            for (String namespace : loaded.keySet()) {
                List<VectorRecord> records = loaded.get(namespace);
                for (int q = 0; q < 6; q++) {
                    VectorRecord like = records.get(random.nextInt(records.size()));
                    SparseValues sparse = like.hasSparseValues() ? like.sparseValues() : bm25(random, 4);
                    Filter filter = q % 2 == 0 ? null : Filter.eq("genre", "drama");
                    Query query = Query.builder(TestData.randomVector(random, DIMENSION)).topK(10).sparseVector(sparse)
                            .filter(filter).build();
                    List<Match> fromPinecone = source.inNamespace(namespace).query(query);
                    List<Match> fromPgvector = target.inNamespace(namespace).query(query);
                    assertThat(fromPinecone).hasSize(10);
                    assertThat(fromPgvector).extracting(Match::id).containsExactlyElementsOf(
                            fromPinecone.stream().map(Match::id).toList());
                    for (int i = 0; i < fromPinecone.size(); i++) {
                        double expected = fromPinecone.get(i).score();
                        assertThat(fromPgvector.get(i).score()).isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                    }
                }
            }
        }
    }

    private Process startChild(PineconeEmulator emulator, TestDatabase database) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", MigrationChild.class.getName()));
        emulator.hostConfig().forEach((key, value) -> command.add(key + "=" + value));
        command.addAll(List.of("JDBC_URL=" + database.jdbcUrl(), "JDBC_USER=" + database.user(),
                "JDBC_PASSWORD=" + database.password(), "RUN_ID=hybrid", "WORKERS=2", "BATCH_SIZE=50", "LEASE_SECONDS=2"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the child's output until it reported {@code batches} committed batches or ended; true if it got there. */
    private boolean awaitBatches(Process child, int batches) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        int seen = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            childOutput.add(line);
            if (line.startsWith("BATCH") && ++seen >= batches) {
                return true;
            }
        }
        return false;
    }

    private static long count(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    // Mostly hybrid records, some dense only; sparse indices hashed to 32 bits, so most exceed 10^9.
    private static List<VectorRecord> records(Random random, String prefix, int count) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            VectorRecord record = VectorRecord.of(prefix + i, TestData.randomVector(random, DIMENSION),
                    Map.of("n", (double) i, "genre", i % 3 == 0 ? "drama" : "news"));
            records.add(i % 10 == 0 ? record : record.withSparseValues(bm25(random, 5 + random.nextInt(20))));
        }
        return records;
    }

    private static final long[] VOCABULARY = new Random(5).longs(2_000, 0, 4_294_967_296L).toArray();

    private static SparseValues bm25(Random random, int terms) {
        TreeMap<Long, Float> weights = new TreeMap<>();
        weights.put(4_294_967_295L, 0.25f);
        while (weights.size() < terms) {
            int rank = (int) Math.min(VOCABULARY.length - 1, Math.floor(Math.pow(VOCABULARY.length, random.nextDouble())) - 1);
            weights.put(VOCABULARY[rank], (float) (Math.log(2 + rank) * (1 + random.nextInt(3)) / 10));
        }
        long[] indices = weights.keySet().stream().mapToLong(Long::longValue).toArray();
        float[] values = new float[indices.length];
        int i = 0;
        for (float value : weights.values()) {
            values[i++] = value;
        }
        return SparseValues.of(indices, values);
    }
}
