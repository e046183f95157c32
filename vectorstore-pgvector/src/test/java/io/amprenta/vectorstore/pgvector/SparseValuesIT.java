package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sparse values in PostgreSQL: every index up to 2^32 - 1 and every float kept exactly through both write paths,
 * reads, updates and deletes; a table without the columns refuses them; a downgrade never drops them silently; and
 * hybrid queries meet the recall bar on BM25-like data with hashed 32-bit indices, using the indexes.
 */
@ExtendWith(PostgresExtension.class)
class SparseValuesIT {

    private static final int DIMENSION = 8;
    private static final SparseValues EXTREME = SparseValues.of(
            new long[] {0, 7, 999_999_999L, 1_000_000_001L, 2_147_483_648L, 4_294_967_295L},
            new float[] {Float.MIN_VALUE, 0.1f, -3.4028235e38f, 1.0e-7f, 0.33333334f, 12345.678f});

    private final DataSource dataSource;

    SparseValuesIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    private VectorStore store(String table, int copyThreshold, UpgradeOptions upgrade) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION)
                .metric(DistanceMetric.DOTPRODUCT).copyThreshold(copyThreshold).build();
        SchemaManager.create(dataSource, settings).upgrade(upgrade);
        return PgVectorStore.builder().dataSource(dataSource).settings(settings).build();
    }

    private static List<VectorRecord> records(int count, Random random) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            VectorRecord record = VectorRecord.of("r" + i, TestData.randomVector(random, DIMENSION), Map.of("even", i % 2 == 0));
            records.add(i % 3 == 2 ? record : record.withSparseValues(i == 0 ? EXTREME : SparseValues.of(
                    new long[] {i, 3_000_000_000L + i}, new float[] {random.nextFloat(), -random.nextFloat()})));
        }
        return records;
    }

    @Test
    void bothWritePathsKeepEveryIndexAndFloatExactly() {
        for (int copyThreshold : new int[] {1_000, 2}) {
            try (VectorStore store = store("sparse_kept_" + copyThreshold, copyThreshold, UpgradeOptions.latest())) {
                assertThat(store.supportsSparseValues()).isTrue();
                List<VectorRecord> records = records(30, new Random(copyThreshold));
                store.upsert(records);

                Map<String, VectorRecord> fetched = store.fetch(records.stream().map(VectorRecord::id).toList());
                for (VectorRecord record : records) {
                    assertThat(fetched.get(record.id()).sparseValues()).as(record.id()).isEqualTo(record.sparseValues());
                }
                assertThat(fetched.get("r0").sparseValues().indices()).contains(4_294_967_295L);
                assertThat(store.fetchByFilter(RecordPageRequest.of(Filter.eq("even", true)).withLimit(100)).records())
                        .allSatisfy(record -> assertThat(record.sparseValues()).isEqualTo(fetched.get(record.id()).sparseValues()));
                List<Match> matches = store.query(Query.builder(records.get(0).values()).topK(30).includeValues(true).build());
                assertThat(matches).hasSize(30).allSatisfy(match ->
                        assertThat(match.sparseValues()).isEqualTo(fetched.get(match.id()).sparseValues()));

                // An upsert replaces the whole record: without sparse values, the earlier ones are gone.
                store.upsert(records.stream().map(record -> record.withSparseValues(null)).toList());
                assertThat(store.fetch(List.of("r0", "r1")).values()).allSatisfy(r -> assertThat(r.sparseValues()).isNull());
            }
        }
    }

    @Test
    void updateReplacesSparseValuesAndDeleteRemovesThem() {
        try (VectorStore store = store("sparse_updated", 500, UpgradeOptions.latest())) {
            store.upsert(records(3, new Random(1)));
            SparseValues replaced = SparseValues.of(new long[] {4_000_000_000L}, new float[] {2.5f});

            assertThat(store.update("r1", null, replaced)).isTrue();

            assertThat(store.fetch(List.of("r1")).get("r1").sparseValues()).isEqualTo(replaced);
            assertThat(store.fetch(List.of("r0")).get("r0").sparseValues()).isEqualTo(EXTREME);
            store.delete(List.of("r1"));
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM sparse_updated WHERE embedding_sparse_indices IS NOT NULL"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aTableWithoutTheColumnsRefusesSparseValuesAndWritesNothing() {
        try (VectorStore store = store("sparse_absent", 500, UpgradeOptions.latest().to(3))) {
            assertThat(store.supportsSparseValues()).isFalse();
            assertThatThrownBy(() -> store.upsert(records(3, new Random(2))))
                    .isInstanceOfSatisfying(InvalidRequestException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                    .hasMessageContaining("nothing was written").hasMessageContaining("schema upgrade");
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM sparse_absent")).isZero();
            assertThatThrownBy(() -> store.query(Query.builder(TestData.unit(DIMENSION, 0)).sparseVector(EXTREME).build()))
                    .isInstanceOfSatisfying(InvalidRequestException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                    .hasMessageContaining("schema upgrade");
        }
    }

    @Test
    void aDowngradeRefusesToDropSparseValuesUnlessToldTo() {
        PgVectorSettings settings = PgVectorSettings.builder().table("sparse_downgraded").dimension(DIMENSION)
                .metric(DistanceMetric.DOTPRODUCT).build();
        try (VectorStore store = store("sparse_downgraded", 500, UpgradeOptions.latest())) {
            store.upsert(records(3, new Random(3)));
        }
        SchemaManager manager = SchemaManager.create(dataSource, settings);

        assertThatThrownBy(() -> manager.downgrade(DowngradeOptions.toNothing().to(3)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DOWNGRADE_REFUSED))
                .hasMessageContaining("2 row(s)").hasMessageContaining("sparse values");
        assertThat(manager.status().schemaVersion()).isEqualTo(4);

        manager.downgrade(DowngradeOptions.toNothing().to(3).dropEmbeddings());
        assertThat(manager.status().schemaVersion()).isEqualTo(3);
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'sparse_downgraded'"
                + " AND column_name LIKE 'embedding_sparse%'")).isZero();
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM sparse_downgraded WHERE embedding IS NOT NULL")).isEqualTo(3);
    }

    @Test
    void aDowngradeWithABackupKeepsSparseValuesAndTheRestoreGivesThemBackExactly() {
        PgVectorSettings settings = PgVectorSettings.builder().table("sparse_backed_up").dimension(DIMENSION)
                .metric(DistanceMetric.DOTPRODUCT).build();
        List<VectorRecord> records = records(3, new Random(4));
        List<String> ids = records.stream().map(VectorRecord::id).toList();
        try (VectorStore store = store("sparse_backed_up", 500, UpgradeOptions.latest())) {
            store.upsert(records);
        }
        SchemaManager manager = SchemaManager.create(dataSource, settings);

        // Below version 4 only: the dense embeddings stay, the sparse values live on in the backup.
        assertThat(manager.downgrade(DowngradeOptions.toNothing().to(3).backupTo("sparse_kept")).backupTable()).isPresent();
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM sparse_kept WHERE embedding_sparse_indices IS NOT NULL")).isEqualTo(2);
        assertThatThrownBy(() -> manager.restore("sparse_kept"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_OUTDATED))
                .hasMessageContaining("2 row(s)").hasMessageContaining("sparse values").hasMessageContaining("schema upgrade");
        manager.upgrade();
        // The two rows that lost sparse values get them back; the third had none and already holds all the backup has.
        BackupRestore sparseBack = manager.restore("sparse_kept");
        assertThat(sparseBack.restored()).isEqualTo(2);
        assertThat(sparseBack.restored() + sparseBack.inserted() + sparseBack.skipped()).isEqualTo(3);
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            Map<String, VectorRecord> restored = store.fetch(ids);
            records.forEach(record -> assertThat(restored.get(record.id())).as(record.id()).isEqualTo(record));
        }

        // Below version 1: the library's own table goes; the restore after the next upgrade inserts every part back.
        manager.downgrade(DowngradeOptions.toNothing().backupTo("everything_kept"));
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'sparse_backed_up'")).isZero();
        manager.upgrade();
        assertThat(manager.restore("everything_kept").inserted()).isEqualTo(3);
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            Map<String, VectorRecord> restored = store.fetch(ids);
            records.forEach(record -> assertThat(restored.get(record.id())).as(record.id()).isEqualTo(record));
            assertThat(restored.get("r0").sparseValues()).isEqualTo(EXTREME);
        }
    }

    @Test
    void hybridQueriesFindTheExactHybridTopTenOnBm25LikeDataUsingTheIndexes() {
        int rows = 5_000;
        int dimension = 32;
        PgVectorSettings settings = PgVectorSettings.builder().table("sparse_hybrid").dimension(dimension)
                .metric(DistanceMetric.DOTPRODUCT).build();
        SchemaManager.create(dataSource, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        Random random = new Random(42);
        long[] vocabulary = hashedVocabulary(random, 20_000);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            records.add(VectorRecord.of("d" + i, TestData.normalize(TestData.randomVector(random, dimension)), Map.of())
                    .withSparseValues(bm25(random, vocabulary, 20 + random.nextInt(60))));
        }
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.upsert(records);
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            table.buildVectorIndex(IndexBuildOptions.defaults());
            Sql.execute(dataSource, "VACUUM ANALYZE sparse_hybrid");
            assertThat(records.stream().mapToLong(r -> r.sparseValues().indices()[r.sparseValues().size() - 1])
                    .filter(index -> index > 1_000_000_000L).count()).as("most records have indices above 10^9")
                    .isGreaterThan(rows / 2);

            int queries = 40;
            double found = 0;
            for (int q = 0; q < queries; q++) {
                Query query = Query.builder(TestData.normalize(TestData.randomVector(random, dimension))).topK(10)
                        .sparseVector(bm25(random, vocabulary, 3 + random.nextInt(5))).build();
                List<String> expected = records.stream()
                        .sorted(Comparator.comparingDouble((VectorRecord r) -> -hybrid(query, r)).thenComparing(VectorRecord::id))
                        .limit(10).map(VectorRecord::id).toList();
                List<Match> matches = store.query(query);
                assertThat(matches).hasSize(10);
                found += matches.stream().filter(match -> expected.contains(match.id())).count();
                for (Match match : matches) {
                    VectorRecord record = records.get(Integer.parseInt(match.id().substring(1)));
                    assertThat(match.score()).isCloseTo(hybrid(query, record), org.assertj.core.data.Offset.offset(1e-5));
                }
            }
            double recall = found / (queries * 10.0);
            // Printed for the benchmark notes: the measured value, not only that it passed the bar.
            System.out.printf(java.util.Locale.ROOT, "SparseValuesIT: hybrid recall@10 %.3f over %d queries on %d rows%n",
                    recall, queries, rows);
            assertThat(recall).as("hybrid recall@10").isGreaterThanOrEqualTo(0.95);

            // Rare terms: the GIN index finds the few overlapping rows (terms common to half the table are read by a
            // scan, which the planner rightly prefers then), the HNSW index the dense candidates.
            Query rare = Query.builder(records.get(0).values()).topK(10).sparseVector(SparseValues.of(
                    java.util.Arrays.stream(vocabulary, 19_990, 19_995).sorted().toArray(), new float[] {1, 1, 1, 1, 1})).build();
            String plan = table.explain("", rare);
            assertThat(plan).as(plan).contains("sparse_hybrid_embedding_hnsw").contains("sparse_hybrid_sparse_gin");
        }
    }

    private static double hybrid(Query query, VectorRecord record) {
        return DistanceMetric.DOTPRODUCT.score(query.vector(), record.values()) + query.sparseVector().dot(record.sparseValues());
    }

    // Tokens hashed to 32 bits, as BM25 encoders with a 32-bit hash produce them: most land above 10^9.
    private static long[] hashedVocabulary(Random random, int size) {
        long[] vocabulary = new long[size];
        for (int i = 0; i < size; i++) {
            vocabulary[i] = Integer.toUnsignedLong(random.nextInt());
        }
        return vocabulary;
    }

    // A document's (or query's) terms drawn Zipf-like from the vocabulary, weighted like BM25 (term frequency
    // saturation times an idf that grows with the term's rank).
    private static SparseValues bm25(Random random, long[] vocabulary, int terms) {
        TreeMap<Long, Float> weights = new TreeMap<>();
        while (weights.size() < terms) {
            int rank = (int) Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length, random.nextDouble())) - 1);
            double frequency = 1 + random.nextInt(4);
            double idf = Math.log(1 + rank);
            weights.merge(vocabulary[rank], (float) (idf * frequency * 2.2 / (frequency + 1.2) / 10), Float::sum);
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
