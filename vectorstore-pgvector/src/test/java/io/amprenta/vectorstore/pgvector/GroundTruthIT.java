package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.DimensionMismatchException;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What benchmarks and calibration take from the table: exact answers that agree with the in-memory exact store,
 * reproducible samples of stored ids, and statistics refreshed after a load.
 */
@ExtendWith(PostgresExtension.class)
class GroundTruthIT {

    private static final int DIMENSION = 16;

    private final TestDatabase db;
    private VectorStore pgvector;
    private VectorStore memory;
    private PgVectorTable table;

    GroundTruthIT(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void load() {
        SchemaManager.create(db.dataSource(), PgVectorSettings.builder().table("truth").dimension(DIMENSION).build()).upgrade();
        Map<String, String> config = db.config();
        config.putAll(Map.of("VECTOR_BACKEND", "pgvector", "PGVECTOR_TABLE", "truth", "PGVECTOR_POOL_SIZE", "2"));
        pgvector = VectorStores.get(config);
        memory = VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", String.valueOf(DIMENSION)));
        List<VectorRecord> records = TestData.randomRecords(new Random(21), 600, DIMENSION, "t-");
        pgvector.upsert(records);
        memory.upsert(records);
        pgvector.inNamespace("other").upsert(TestData.randomRecords(new Random(22), 50, DIMENSION, "o-"));
        table = pgvector.unwrap(PgVectorTable.class);
    }

    @AfterEach
    void close() {
        pgvector.close();
        memory.close();
    }

    @Test
    void exactSearchAgreesWithTheExactInMemoryStore() {
        Random random = new Random(23);
        for (int i = 0; i < 20; i++) {
            Filter filter = i % 2 == 0 ? null : Filter.eq("genre", TestData.GENRES.get(i % TestData.GENRES.size()));
            Query query = Query.builder(TestData.randomVector(random, DIMENSION)).topK(15).filter(filter).build();

            List<Match> expected = memory.query(query);
            List<Match> actual = table.exactSearch("", query);

            assertThat(actual).extracting(Match::id).containsExactlyElementsOf(expected.stream().map(Match::id).toList());
            for (int m = 0; m < expected.size(); m++) {
                assertThat(actual.get(m).score()).isCloseTo(expected.get(m).score(), within(1e-5));
                assertThat(actual.get(m).metadata()).isEqualTo(expected.get(m).metadata());
            }
        }
        assertThat(table.exactSearch("other", Query.builder(TestData.randomVector(random, DIMENSION)).topK(100).build()))
                .hasSize(50).allSatisfy(match -> assertThat(match.id()).startsWith("o-"));
    }

    @Test
    void exactSearchChecksTheQueryLikeTheStore() {
        assertThatThrownBy(() -> table.exactSearch("", Query.builder(new float[3]).build()))
                .isInstanceOf(DimensionMismatchException.class);
    }

    @Test
    void samplesAreSpreadReproducibleAndStayInTheirNamespace() {
        List<String> first = table.sampleIds("", 40, 7);

        assertThat(first).hasSize(40).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith("t-"));
        assertThat(table.sampleIds("", 40, 7)).isEqualTo(first);
        assertThat(new HashSet<>(table.sampleIds("", 40, 8))).isNotEqualTo(new HashSet<>(first));
        // Not the first ids in any order: spread over the whole namespace.
        assertThat(first.stream().mapToInt(id -> Integer.parseInt(id.substring(2))).max().orElseThrow()).isGreaterThan(300);
        assertThat(table.sampleIds("other", 500, 7)).hasSize(50);
        assertThat(table.sampleIds("nobody", 5, 7)).isEmpty();
        assertThatThrownBy(() -> table.sampleIds("", -1, 7)).hasMessageContaining("count");
    }

    @Test
    void healthIsDegradedWhileTheStatisticsDescribeAnEmptyTable() {
        SchemaManager.create(db.dataSource(), PgVectorSettings.builder().table("loaded").dimension(DIMENSION).build()).upgrade();
        // Autovacuum would analyze the table on its own schedule; this test decides when.
        Sql.execute(db.dataSource(), "ALTER TABLE loaded SET (autovacuum_enabled = false)", "ANALYZE loaded");
        Map<String, String> config = db.config();
        config.putAll(Map.of("VECTOR_BACKEND", "pgvector", "PGVECTOR_TABLE", "loaded", "PGVECTOR_POOL_SIZE", "2"));
        try (VectorStore store = VectorStores.get(config)) {
            // About 9 MB of rows (a kilobyte of metadata each, stored inline): enough that a scan is no longer cheap.
            String text = "x".repeat(1_100);
            store.upsert(TestData.randomRecords(new Random(24), 7_000, DIMENSION, "bulk-").stream()
                    .map(record -> record.withMetadata(Map.of("text", text))).toList());

            HealthReport stale = store.health();
            store.unwrap(PgVectorTable.class).analyze();
            HealthReport analyzed = store.health();

            assertThat(stale.status()).as(stale.message()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(stale.message()).contains("statistics of public.loaded are out of date").contains("Run ANALYZE");
            assertThat(analyzed.status()).as(analyzed.message()).isEqualTo(HealthReport.Status.UP);
            assertThat(analyzed.details()).containsEntry("vectorIndexUsed", true);
        }
    }

    @Test
    void analyzeTellsThePlannerHowLargeTheTableIs() {
        // Created empty and loaded just now: PostgreSQL has not analyzed it (reltuples -1), so the planner would guess.
        table.analyze();

        assertThat(Sql.rows(db.dataSource(), "SELECT reltuples::bigint FROM pg_class WHERE oid = 'public.truth'::regclass"))
                .containsExactly("650");
    }
}
