package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Half-precision HNSW indexes below 2,000 dimensions ({@code PGVECTOR_INDEX_PRECISION}): the queries use the
 * halfvec expression index (EXPLAIN) and keep exact full-precision scores; an existing index of either precision is
 * adopted, and only {@code reindex} changes it; {@code full} above 2,000 dimensions is refused before anything
 * changes; and every index build the library runs gets its memory and parallel workers, read back inside the
 * build's own session by an event trigger.
 */
@ExtendWith(PostgresExtension.class)
class IndexPrecisionIT {

    private static final int DIMENSION = 64;

    private final DataSource dataSource;

    IndexPrecisionIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    private static PgVectorSettings settings(String table, PgVectorSettings.IndexPrecision precision) {
        return PgVectorSettings.builder().table(table).dimension(DIMENSION).indexPrecision(precision).build();
    }

    @Test
    void aHalfPrecisionIndexServesQueriesWhoseScoresAndOrderStayExact() {
        PgVectorSettings settings = settings("half64", PgVectorSettings.IndexPrecision.HALF);
        SchemaManager manager = SchemaManager.create(dataSource, settings);
        manager.upgrade();
        Random random = new Random(5);
        List<VectorRecord> records = TestData.randomRecords(random, 3_000, DIMENSION, "h");
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.upsert(records);
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            table.analyze();
            float[] vector = TestData.randomVector(random, DIMENSION);
            Query query = Query.builder(vector).topK(10).build();

            assertThat(Plans.explain(dataSource, table.searchStatement("", query), "SET LOCAL enable_seqscan = off")).contains("Index Scan using half64_embedding_hnsw on half64")
                    .contains("(embedding)::halfvec(64) <=>");
            List<Match> matches = store.query(query);
            List<VectorRecord> exact = records.stream().sorted(Comparator.comparingDouble(
                    (VectorRecord r) -> -DistanceMetric.COSINE.score(vector, r.values()))).limit(10).toList();
            assertThat(matches).extracting(Match::id).containsExactlyElementsOf(exact.stream().map(VectorRecord::id).toList());
            for (int i = 0; i < matches.size(); i++) {
                // Half precision alone is off by about 1e-3; re-scored, the score is the full-precision one.
                assertThat(matches.get(i).score()).isCloseTo(DistanceMetric.COSINE.score(vector, exact.get(i).values()),
                        org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(manager.status().vectorIndex()).hasValueSatisfying(index -> {
                assertThat(index.name()).isEqualTo("half64_embedding_hnsw");
                assertThat(index.precision()).isEqualTo("half");
            });
            assertThat(manager.status().problems()).isEmpty();
            assertThat(store.health().details()).containsEntry("vectorIndexPrecision", "half");
        }
    }

    @Test
    void anExistingIndexOfTheOtherPrecisionIsAdoptedAndOnlyReindexReplacesIt() throws SQLException {
        PgVectorSettings settings = settings("adopt64", PgVectorSettings.IndexPrecision.AUTO);
        SchemaManager manager = SchemaManager.create(dataSource, settings);
        manager.upgrade(UpgradeOptions.latest().deferVectorIndex());
        execute("CREATE INDEX app_half ON adopt64 USING hnsw ((embedding::halfvec(64)) halfvec_cosine_ops)");

        SchemaChange upgrade = manager.upgrade();
        assertThat(upgrade.changes()).noneMatch(change -> change.contains("hnsw"));
        assertThat(hnswIndexes("adopt64")).containsExactly("app_half");
        assertThat(String.join("\n", manager.pendingSql(UpgradeOptions.latest()).upgrade())).doesNotContain("USING hnsw");
        SchemaStatus status = manager.status();
        assertThat(status.vectorIndex()).hasValueSatisfying(index -> assertThat(index.precision()).isEqualTo("half"));
        assertThat(status.problems()).singleElement().asString().contains("app_half").contains("half precision")
                .contains("schema upgrade --reindex");
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.upsert(TestData.randomRecords(new Random(6), 2_000, DIMENSION, "a"));
            store.unwrap(PgVectorTable.class).analyze();
            assertThat(Plans.explain(dataSource, store.unwrap(PgVectorTable.class).searchStatement("",
                    Query.builder(TestData.randomVector(new Random(7), DIMENSION)).topK(5).build()), "SET LOCAL enable_seqscan = off"))
                    .as("the adopted half index serves queries").contains("app_half");
        }

        SchemaChange reindex = manager.reindex();

        assertThat(reindex.changes()).contains("dropped index app_half");
        assertThat(hnswIndexes("adopt64")).containsExactly("adopt64_embedding_hnsw");
        assertThat(manager.status().vectorIndex()).hasValueSatisfying(index -> assertThat(index.precision()).isEqualTo("full"));
        assertThat(manager.status().isCurrent()).isTrue();
        assertThat(manager.reindex().changedAnything()).as("nothing left to change").isFalse();
    }

    @Test
    void theSqlScriptBuildsTheConfiguredPrecisionAndAdoptsEither() {
        String half = String.join("\n", SchemaManager.sql(settings("script64", PgVectorSettings.IndexPrecision.HALF)).upgrade());
        String full = String.join("\n", SchemaManager.sql(settings("script64", PgVectorSettings.IndexPrecision.FULL)).upgrade());

        assertThat(half).contains("USING hnsw ((\"embedding\"::halfvec(64)) halfvec_cosine_ops)");
        assertThat(full).contains("USING hnsw (\"embedding\" vector_cosine_ops)");
        for (String script : List.of(half, full)) {
            assertThat(script).as("the existence check knows both precisions")
                    .contains("opc.opcname = 'vector_cosine_ops'").contains("opc.opcname = 'halfvec_cosine_ops'");
        }
    }

    @Test
    void fullPrecisionAbove2000DimensionsIsRefusedBeforeAnythingChanges() throws SQLException {
        execute("CREATE TABLE wide (id text PRIMARY KEY, embedding vector(2500))");
        PgVectorSettings settings = PgVectorSettings.builder().table("wide")
                .indexPrecision(PgVectorSettings.IndexPrecision.FULL).build();

        assertThatThrownBy(() -> SchemaManager.create(dataSource, settings).upgrade())
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("PGVECTOR_INDEX_PRECISION is full").hasMessageContaining("2500");
        assertThat(query("SELECT count(*) FROM pg_attribute WHERE attrelid = 'wide'::regclass AND attnum > 0"))
                .as("no column added").isEqualTo("2");
        assertThat(hnswIndexes("wide")).isEmpty();
    }

    @Test
    void everyIndexBuildRunsWithItsMemoryAndParallelWorkers() throws SQLException {
        assumeThat(query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
                .as("event triggers need a superuser").isEqualTo("t");
        execute("CREATE TABLE build_log (tag text, workers text, memory text)");
        execute("CREATE FUNCTION log_build() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO build_log"
                + " SELECT tg_tag, current_setting('max_parallel_maintenance_workers'), current_setting('maintenance_work_mem');"
                + " END $$");
        execute("CREATE EVENT TRIGGER log_builds ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION log_build()");
        try {
            PgVectorSettings settings = settings("built64", PgVectorSettings.IndexPrecision.HALF).toBuilder()
                    .indexBuildWorkers(3).indexBuildMemory("96MB").build();
            SchemaManager.create(dataSource, settings).upgrade();
            assertThat(logged()).isNotEmpty().allSatisfy(row -> assertThat(row).isEqualTo("3 96MB"));

            execute("TRUNCATE build_log");
            try (VectorStore store = PgVectorStore.builder().dataSource(dataSource)
                    .settings(settings.toBuilder().indexBuildWorkers(null).indexBuildMemory("1GB").build()).build()) {
                PgVectorTable table = store.unwrap(PgVectorTable.class);
                table.dropVectorIndex();
                table.buildVectorIndex();
                String derived = query("SELECT least(current_setting('max_parallel_workers')::int,"
                        + " current_setting('max_worker_processes')::int, " + IndexBuildOptions.DERIVED_WORKERS_CAP + ")");
                assertThat(logged()).containsExactly(derived + " 1GB");

                execute("TRUNCATE build_log");
                table.dropVectorIndex();
                table.buildVectorIndex(IndexBuildOptions.defaults().withParallelWorkers(1).withMaintenanceWorkMem("80MB")
                        .withConcurrently(true));
                assertThat(logged()).containsExactly("1 80MB");
                assertThat(query("SELECT bool_and(indisvalid) FROM pg_index WHERE indexrelid = 'built64_embedding_hnsw'::regclass"))
                        .isEqualTo("t");
            }
        } finally {
            execute("DROP EVENT TRIGGER log_builds");
        }
    }

    private List<String> logged() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT workers || ' ' || memory FROM build_log")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    private List<String> hnswIndexes(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT indexname FROM pg_indexes WHERE tablename = '" + table
                     + "' AND indexdef LIKE '%USING hnsw%' ORDER BY 1")) {
            while (result.next()) {
                names.add(result.getString(1));
            }
        }
        return names;
    }

    private String query(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
