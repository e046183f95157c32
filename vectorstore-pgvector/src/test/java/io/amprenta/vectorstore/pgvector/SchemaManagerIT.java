package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SchemaManagerIT {

    private static final int DIMENSION = 8;
    private static final String APP_ROWS = "SELECT id, content, document_id, created_at::text FROM %s ORDER BY id";

    private final DataSource dataSource;

    SchemaManagerIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    private static PgVectorSettings settings(String table) {
        return PgVectorSettings.builder().table(table).dimension(DIMENSION).build();
    }

    private SchemaManager manager(String table) {
        return SchemaManager.create(dataSource, settings(table));
    }

    private void createApplicationTable(String table) {
        Sql.execute(dataSource,
                "CREATE TABLE " + table + " (id text PRIMARY KEY, content text NOT NULL, document_id bigint,"
                        + " created_at timestamptz NOT NULL DEFAULT '2024-01-02 03:04:05+00')",
                "INSERT INTO " + table + " (id, content, document_id) SELECT 'chunk-' || i, 'text of chunk ' || i, i / 10"
                        + " FROM generate_series(1, 50) i");
    }

    private List<String> columns(String table) {
        return Sql.rows(dataSource, "SELECT attname FROM pg_attribute WHERE attrelid = '" + table + "'::regclass"
                + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    }

    @Test
    void upgradeCreatesTheTableWithEverythingAndAgainChangesNothing() {
        SchemaChange first = manager("fresh").upgrade();
        SchemaChange second = manager("fresh").upgrade();

        assertThat(first.changes()).contains("created table public.fresh", "schema version 0 -> 4")
                .anySatisfy(change -> assertThat(change).contains("USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')"))
                .anySatisfy(change -> assertThat(change).contains("USING gin (vectorstore_metadata jsonb_path_ops)"))
                .anySatisfy(change -> assertThat(change).contains("WHERE (embedding IS NULL)"));
        assertThat(second.changedAnything()).as("%s", second.changes()).isFalse();
        SchemaStatus status = manager("fresh").status();
        assertThat(status.isCurrent()).as(status.describe()).isTrue();
        // A warning about the server's pgvector release never makes the schema less current, and is printed.
        String installed = status.availableExtensionVersion().orElseThrow();
        assertThat(status.extensionWarning().isPresent()).isEqualTo(TableLayout.compareVersions(installed, "0.8.4") < 0);
        status.extensionWarning().ifPresent(warning -> assertThat(status.describe()).contains("warning:          " + warning));
        assertThat(status.createdByLibrary()).isTrue();
        assertThat(status.dimension()).hasValue(DIMENSION);
        assertThat(status.vectorIndex()).hasValueSatisfying(index -> {
            assertThat(index.method()).isEqualTo("hnsw");
            assertThat(index.operatorClasses()).containsExactly("vector_cosine_ops");
        });
        assertThat(status.columns()).extracting(SchemaStatus.Column::name)
                .containsExactly("id", "namespace", "embedding", "embedding_model", "embedding_updated_at", "vectorstore_metadata",
                        "embedding_sparse_indices", "embedding_sparse_values");
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM vectorstore_schema_version WHERE table_name = 'fresh'")).isEqualTo(4);
    }

    @Test
    void theRoundTripUpgradeDowngradeUpgradeLeavesTheApplicationsRowsIntact() {
        createApplicationTable("app_chunks");
        List<String> before = Sql.rows(dataSource, APP_ROWS.formatted("app_chunks"));
        List<String> applicationColumns = columns("app_chunks");

        SchemaChange up = manager("app_chunks").upgrade();
        assertThat(Sql.rows(dataSource, APP_ROWS.formatted("app_chunks"))).isEqualTo(before);
        assertThat(columns("app_chunks")).startsWith(applicationColumns.toArray(String[]::new))
                .contains("embedding", "embedding_model", "vectorstore_metadata", "namespace", "embedding_updated_at");
        assertThat(up.changes()).contains("added column embedding vector(8)").doesNotContain("created table public.app_chunks");
        SchemaStatus status = manager("app_chunks").status();
        assertThat(status.createdByLibrary()).isFalse();
        assertThat(status.pendingRows()).isEqualTo(50);
        assertThat(status.embeddedRows()).isZero();

        manager("app_chunks").downgrade(DowngradeOptions.toNothing());
        assertThat(columns("app_chunks")).isEqualTo(applicationColumns);
        assertThat(Sql.rows(dataSource, APP_ROWS.formatted("app_chunks"))).isEqualTo(before);
        assertThat(manager("app_chunks").status().schemaVersion()).isZero();

        manager("app_chunks").upgrade();
        assertThat(Sql.rows(dataSource, APP_ROWS.formatted("app_chunks"))).isEqualTo(before);
        assertThat(manager("app_chunks").status().isCurrent()).isTrue();
        // The application's own INSERTs keep working: every added column is nullable or defaulted.
        Sql.execute(dataSource, "INSERT INTO app_chunks (id, content) VALUES ('chunk-new', 'added by the app')");
    }

    @Test
    void downgradeRefusesToDropPopulatedEmbeddingsAndChangesNothing() {
        createApplicationTable("app_refuse");
        manager("app_refuse").upgrade();
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings("app_refuse")).build()) {
            store.upsert(List.of(VectorRecord.of("chunk-1", TestData.unit(DIMENSION, 0), Map.of("k", "v"))));
        }
        List<String> columnsBefore = columns("app_refuse");

        assertThatThrownBy(() -> manager("app_refuse").downgrade(DowngradeOptions.toNothing()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DOWNGRADE_REFUSED))
                .hasMessageContaining("1 row(s)").hasMessageContaining("backup");

        assertThat(columns("app_refuse")).isEqualTo(columnsBefore);
        assertThat(manager("app_refuse").status().schemaVersion()).isEqualTo(4);
        assertThat(manager("app_refuse").status().vectorIndex()).isPresent();
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM app_refuse WHERE embedding IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void downgradeCanFirstPreserveEmbeddingsInABackupTable() {
        createApplicationTable("app_backup");
        manager("app_backup").upgrade();
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings("app_backup")).build()) {
            store.upsert(List.of(VectorRecord.of("chunk-1", TestData.unit(DIMENSION, 1), Map.of("k", "v")),
                    VectorRecord.of("chunk-2", TestData.unit(DIMENSION, 2))));
        }
        List<String> before = Sql.rows(dataSource, APP_ROWS.formatted("app_backup"));

        SchemaChange down = manager("app_backup").downgrade(DowngradeOptions.toNothing().backupTo("app_backup_vectors"));

        assertThat(down.backupTable()).hasValue("app_backup_vectors");
        assertThat(Sql.rows(dataSource, "SELECT id, namespace, embedding::text, vectorstore_metadata::text FROM app_backup_vectors ORDER BY id"))
                .containsExactly("chunk-1||[0,1,0,0,0,0,0,0]|{\"k\": \"v\"}", "chunk-2||[0,0,1,0,0,0,0,0]|{}");
        assertThat(Sql.rows(dataSource, APP_ROWS.formatted("app_backup"))).isEqualTo(before);
        assertThat(columns("app_backup")).doesNotContain("embedding");

        manager("app_backup").upgrade();
        assertThatThrownBy(() -> manager("app_backup").downgrade(DowngradeOptions.toNothing().backupTo("app_backup_vectors")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT))
                .hasMessageContaining("already exists");
    }

    @Test
    void downgradingATableTheLibraryCreatedDropsIt() {
        manager("owned").upgrade();
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings("owned")).build()) {
            store.upsert(List.of(VectorRecord.of("a", TestData.unit(DIMENSION, 0))));
        }

        SchemaChange toOne = manager("owned").downgrade(DowngradeOptions.toNothing().to(1));
        assertThat(toOne.changes()).anySatisfy(change -> assertThat(change).startsWith("dropped index owned_embedding_hnsw"));
        assertThat(manager("owned").status().schemaVersion()).isEqualTo(1);
        assertThat(manager("owned").status().vectorIndex()).isEmpty();

        SchemaChange toNothing = manager("owned").downgrade(DowngradeOptions.toNothing().dropEmbeddings());
        assertThat(toNothing.changes()).contains("dropped table public.owned");
        assertThat(manager("owned").status().tableExists()).isFalse();
    }

    @Test
    void thePrintedSqlBuildsTheSameSchemaAStoreAccepts() throws Exception {
        SchemaScript script = SchemaManager.sql(settings("printed"));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : script.upgrade()) {
                    statement.execute(sql);
                }
            }
            connection.commit();
        }
        manager("executed").upgrade();

        SchemaStatus printed = manager("printed").status();
        SchemaStatus executed = manager("executed").status();
        assertThat(printed.isCurrent()).as(printed.describe()).isTrue();
        assertThat(printed.columns()).isEqualTo(executed.columns());
        assertThat(printed.indexes()).extracting(index -> index.definition().replace("printed", "T"))
                .containsExactlyInAnyOrderElementsOf(executed.indexes().stream()
                        .map(index -> index.definition().replace("executed", "T")).toList());
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings("printed")).build()) {
            store.upsert(List.of(VectorRecord.of("a", TestData.unit(DIMENSION, 0))));
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).build())).hasSize(1);
        }
    }

    @Test
    void concurrentUpgradesAreSerializedByTheAdvisoryLock() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SchemaChange>> upgrades = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                upgrades.add(pool.submit(() -> manager("contended").upgrade()));
            }
            int created = 0;
            for (Future<SchemaChange> upgrade : upgrades) {
                created += upgrade.get(2, TimeUnit.MINUTES).changes().contains("created table public.contended") ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(manager("contended").status().isCurrent()).isTrue();
    }

    @Test
    void anEmbeddingColumnThatIsNotAVectorStopsTheUpgradeBeforeAnythingChanges() {
        Sql.execute(dataSource, "CREATE TABLE floats (id text PRIMARY KEY, embedding real[])");

        assertThatThrownBy(() -> manager("floats").upgrade())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_NOT_VECTOR))
                .hasMessageContaining("real[]").hasMessageContaining("ALTER TABLE public.floats ALTER COLUMN embedding TYPE vector(8)");
        assertThat(columns("floats")).containsExactly("id", "embedding");
    }

    @Test
    void anEmbeddingColumnOfAnotherDimensionIsReportedWithBothNumbers() {
        Sql.execute(dataSource, "CREATE TABLE wide (id text PRIMARY KEY, embedding vector(1536))");

        assertThatThrownBy(() -> manager("wide").upgrade())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH))
                .hasMessageContaining("8").hasMessageContaining("1536");
    }

    @Test
    void aVectorColumnTheApplicationAlreadyHadIsAdoptedAndKeptOnDowngrade() {
        Sql.execute(dataSource, "CREATE TABLE adopted (id text PRIMARY KEY, embedding vector(8))",
                "INSERT INTO adopted VALUES ('pre', '[1,0,0,0,0,0,0,0]')");

        manager("adopted").upgrade();
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings("adopted")).build()) {
            assertThat(store.fetch(List.of("pre"))).containsKey("pre");
        }
        manager("adopted").downgrade(DowngradeOptions.toNothing().dropEmbeddings());

        assertThat(columns("adopted")).containsExactly("id", "embedding");
        assertThat(Sql.value(dataSource, "SELECT embedding::text FROM adopted")).isEqualTo("[1,0,0,0,0,0,0,0]");
    }

    @Test
    void statusTellsWhatIsMissing() {
        manager("deferred").upgrade(UpgradeOptions.latest().deferVectorIndex());

        SchemaStatus status = manager("deferred").status();

        assertThat(status.vectorIndex()).isEmpty();
        assertThat(status.problems()).singleElement().asString().contains("No HNSW index").contains("index-missing");
        assertThat(status.describe()).contains("none for the configured metric");
        SchemaStatus missing = manager("never_created").status();
        assertThat(missing.tableExists()).isFalse();
        assertThat(missing.problems()).singleElement().asString().contains("table-missing");
    }

    @Test
    void aDatabaseWithoutTheExtensionIsToldSoAndUpgradeEnablesIt(TestDatabase db) {
        TestDatabase other = db.createAnother();
        DataSource otherSource = other.dataSource();
        Sql.execute(otherSource, "DROP EXTENSION vector");
        Sql.execute(otherSource, "CREATE TABLE rag_chunks (id text PRIMARY KEY, content text)");
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();

        assertThatThrownBy(() -> PgVectorStore.builder().dataSource(otherSource).settings(settings).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VECTOR_EXTENSION_MISSING))
                .hasMessageContaining("schema upgrade");
        assertThat(SchemaManager.create(otherSource, settings).status().extensionVersion()).isEmpty();

        assumeTrue("t".equals(Sql.value(otherSource, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")),
                "enabling pgvector needs a superuser");
        SchemaChange change = SchemaManager.create(otherSource, settings).upgrade();
        assertThat(change.changes()).anySatisfy(line -> assertThat(line).startsWith("enabled the vector extension"));
        PgVectorStore.builder().dataSource(otherSource).settings(settings).build().close();
    }

    @Test
    void above2000DimensionsTheColumnKeepsFullPrecisionAndTheIndexIsHalfvec() {
        PgVectorSettings large = PgVectorSettings.builder().table("large").dimension(3072).build();
        SchemaManager.create(dataSource, large).upgrade();

        SchemaStatus status = SchemaManager.create(dataSource, large).status();
        assertThat(status.vectorIndex()).hasValueSatisfying(index ->
                assertThat(index.operatorClasses()).containsExactly("halfvec_cosine_ops"));
        Random random = new Random(5);
        List<VectorRecord> records = TestData.randomRecords(random, 30, 3072, "big-");
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(large).build()) {
            store.upsert(records);
            assertThat(store.fetch(List.of("big-7")).get("big-7").values()).containsExactly(records.get(7).values());
            var matches = store.query(Query.builder(records.get(3).values()).topK(5).build());
            assertThat(matches.get(0).id()).isEqualTo("big-3");
            double exact = DistanceMetric.COSINE.score(records.get(3).values(), records.get(3).values());
            assertThat(matches.get(0).score()).isCloseTo(exact, org.assertj.core.api.Assertions.within(1e-5));
            // 30 rows are too few for the planner to prefer any index on its own; what matters is that the query's
            // ORDER BY matches the halfvec expression index, so that it can be used.
            SearchStatement statement = store.unwrap(PgVectorTable.class).searchStatement("",
                    Query.builder(records.get(3).values()).topK(5).build());
            assertThat(Plans.explain(dataSource, statement, "SET enable_sort = off"))
                    .contains("Index Scan using large_embedding_hnsw");
        }
    }
}
