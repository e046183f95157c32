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
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole record end to end: a Pinecone index (the emulator, through the real client) of dense-plus-sparse records
 * in two namespaces, sparse indices up to 2^32 - 1, is migrated into pgvector, interrupted and resumed, verified with
 * nothing lost, and then answers the same hybrid queries with the same ids and scores as Pinecone.
 */
@ExtendWith(PostgresExtension.class)
class HybridMigrationIT {

    private static final int DIMENSION = 8;

    @Test
    void hybridRecordsSurviveAnInterruptedMigrationAndAnswerHybridQueriesAsPineconeDoes(TestDatabase database) {
        PgVectorSettings settings = PgVectorSettings.builder().table("hybrid_target").dimension(DIMENSION)
                .metric(DistanceMetric.DOTPRODUCT).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        Random random = new Random(13);
        Map<String, List<VectorRecord>> loaded = Map.of("", records(random, "doc#", 600), "tenant", records(random, "t#", 300));
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT).start();
             VectorStore source = VectorStores.get(emulator.hostConfig());
             VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
            loaded.forEach(emulator::load);

            AtomicReference<Migration> running = new AtomicReference<>();
            Migration interrupted = Migration.builder(source, PgVectorTarget.of(target)).workers(1).batchSize(50)
                    .listener(new MigrationListener() {
                        @Override
                        public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                            running.get().stop();
                        }
                    }).build();
            running.set(interrupted);
            MigrationReport first = interrupted.run();
            assertThat(first.outcome()).isEqualTo(MigrationReport.Outcome.INTERRUPTED);
            assertThat(first.copied()).isPositive().isLessThan(900);

            MigrationReport resumed = Migration.builder(source, PgVectorTarget.of(target)).workers(2).batchSize(50)
                    .resume(true).build().run();
            assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(first.copied() + resumed.copied()).isEqualTo(900);

            assertThat(Verification.builder(source, target).build().run().passed()).isTrue();
            loaded.forEach((namespace, records) -> {
                Map<String, VectorRecord> copied = target.inNamespace(namespace)
                        .fetch(records.stream().map(VectorRecord::id).toList());
                assertThat(copied).hasSize(records.size());
                records.forEach(record -> assertThat(copied.get(record.id())).as(record.id()).isEqualTo(record));
            });

            for (String namespace : loaded.keySet()) {
                List<VectorRecord> records = loaded.get(namespace);
                for (int q = 0; q < 5; q++) {
                    VectorRecord like = records.get(random.nextInt(records.size()));
                    SparseValues sparse = like.hasSparseValues() ? like.sparseValues() : bm25(random, 4);
                    Query query = Query.builder(TestData.randomVector(random, DIMENSION)).topK(10).sparseVector(sparse).build();
                    List<Match> fromPinecone = source.inNamespace(namespace).query(query);
                    List<Match> fromPgvector = target.inNamespace(namespace).query(query);
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

    // Mostly hybrid records, some dense only; sparse indices hashed to 32 bits, so most exceed 10^9.
    private static List<VectorRecord> records(Random random, String prefix, int count) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            VectorRecord record = VectorRecord.of(prefix + i, TestData.randomVector(random, DIMENSION), Map.of("n", (double) i));
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
