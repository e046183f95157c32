package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store in an application's own table: rows with required columns, rows still waiting for an embedding,
 * deletes that keep the application's data, and the bulk API the migrator uses inside its own transactions.
 */
@ExtendWith(PostgresExtension.class)
class ApplicationTableIT {

    private static final int DIMENSION = 4;
    private static final String CONTENT = "SELECT id, content, document_id FROM %s ORDER BY id";

    private final DataSource dataSource;

    ApplicationTableIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    /** An application table with {@code rows} chunks, upgraded; content is NOT NULL without a default. */
    private PgVectorSettings applicationTable(String table, int rows) {
        Sql.execute(dataSource, "CREATE TABLE " + table + " (id text PRIMARY KEY, content text NOT NULL, document_id int)",
                "INSERT INTO " + table + " SELECT 'c' || lpad(i::text, 5, '0'), 'chunk ' || i, i % 7"
                        + " FROM generate_series(1, " + rows + ") i");
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION).embeddingModel("model-a")
                .copyThreshold(50).build();
        SchemaManager.create(dataSource, settings).upgrade();
        return settings;
    }

    private VectorStore store(PgVectorSettings settings) {
        return PgVectorStore.builder().dataSource(dataSource).settings(settings).build();
    }

    private static List<VectorRecord> records(int from, int to) {
        Random random = new Random(from);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            records.add(VectorRecord.of(String.format("c%05d", i), TestData.randomVector(random, DIMENSION), Map.of("n", i)));
        }
        return records;
    }

    @Test
    void embeddingsAreAddedToExistingRowsWithoutTouchingTheApplicationsColumns() {
        PgVectorSettings settings = applicationTable("fill", 120);
        List<String> before = Sql.rows(dataSource, CONTENT.formatted("fill"));
        try (VectorStore store = store(settings)) {
            store.upsert(records(1, 10));      // a small batch: UPDATE ... FROM VALUES
            store.upsert(records(11, 100));    // above the COPY threshold: staging table and UPDATE ... FROM

            assertThat(store.stats().count("")).isEqualTo(100);
            assertThat(store.fetch(List.of("c00050")).get("c00050")).isEqualTo(records(11, 100).get(39));
            assertThat(Sql.rows(dataSource, CONTENT.formatted("fill"))).isEqualTo(before);
            assertThat(Sql.value(dataSource, "SELECT count(DISTINCT embedding_model) || '|' || min(embedding_model) FROM fill"
                    + " WHERE embedding IS NOT NULL")).isEqualTo("1|model-a");
        }
    }

    @Test
    void idsWithoutARowAreRefusedNamingThemAndNothingIsWritten() {
        PgVectorSettings settings = applicationTable("no_insert", 5);
        try (VectorStore store = store(settings)) {
            List<VectorRecord> batch = new ArrayList<>(records(1, 3));
            batch.add(VectorRecord.of("brand-new", TestData.unit(DIMENSION, 0)));

            assertThatThrownBy(() -> store.upsert(batch))
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT))
                    .hasMessageContaining("'brand-new'").hasMessageContaining("content").hasMessageContaining("Nothing was written");

            assertThat(store.stats().count("")).isZero();
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM no_insert")).isEqualTo(5);
        }
    }

    @Test
    void rowsWithoutAnEmbeddingAreInvisibleButListedAsPending() {
        PgVectorSettings settings = applicationTable("pending", 30);
        try (VectorStore store = store(settings)) {
            store.upsert(records(1, 10));
            PgVectorTable table = store.unwrap(PgVectorTable.class);

            assertThat(store.streamIds("").toList()).hasSize(10);
            assertThat(store.fetch(List.of("c00020"))).isEmpty();
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(100).build())).hasSize(10);
            assertThat(store.stats().count("")).isEqualTo(10);

            List<String> pending = new ArrayList<>();
            IdPageRequest request = IdPageRequest.first(7);
            while (request != null) {
                IdPage page = table.listPendingIds("", request);
                pending.addAll(page.ids());
                request = page.next().orElse(null);
            }
            assertThat(pending).hasSize(20).first().isEqualTo("c00011");
            assertThat(table.pendingIdsAfter("", "c00025", 100)).containsExactly("c00026", "c00027", "c00028", "c00029", "c00030");
            assertThat(table.pendingIdsAfter("", null, 2)).containsExactly("c00011", "c00012");
            String plan = Plans.explain(dataSource, new SearchStatement("SELECT id FROM pending WHERE namespace = ? AND"
                    + " embedding IS NULL AND id COLLATE \"C\" > ? ORDER BY id COLLATE \"C\" LIMIT 100",
                    List.of("", "c00011"), Map.of()), "SET enable_seqscan = off");
            assertThat(plan).contains("pending_vs_pending");
        }
    }

    @Test
    void deletingFromAnApplicationTableClearsTheEmbeddingAndKeepsTheRow() {
        PgVectorSettings settings = applicationTable("keep_rows", 10);
        List<String> before = Sql.rows(dataSource, CONTENT.formatted("keep_rows"));
        try (VectorStore store = store(settings)) {
            store.upsert(records(1, 10));

            store.delete(List.of("c00001", "c00002"));
            store.deleteByFilter(Filter.lte("n", 4));
            assertThat(store.stats().count("")).isEqualTo(6);
            store.deleteAll();

            assertThat(store.stats().count("")).isZero();
            assertThat(Sql.rows(dataSource, CONTENT.formatted("keep_rows"))).isEqualTo(before);
            assertThat(store.unwrap(PgVectorTable.class).pendingIdsAfter("", null, 100)).hasSize(10);
        }
        try (VectorStore rowDeleting = store(settings.toBuilder().deleteMode(PgVectorSettings.DeleteMode.ROW).build())) {
            rowDeleting.upsert(records(1, 1));
            rowDeleting.delete(List.of("c00001"));
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM keep_rows")).isEqualTo(9);
        }
    }

    @Test
    void aBatchWrittenInTheCallersTransactionCommitsAndRollsBackWithIt() throws Exception {
        PgVectorSettings settings = applicationTable("migrated", 0);
        Sql.execute(dataSource, "CREATE TABLE progress (id text PRIMARY KEY, state text)");
        try (VectorStore store = store(settings); Connection connection = dataSource.getConnection()) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            Sql.execute(dataSource, "ALTER TABLE migrated ALTER COLUMN content DROP NOT NULL");
            PgVectorTable insertable = PgVectorTable.open(dataSource, settings);
            connection.setAutoCommit(false);

            insertable.upsert(connection, "", records(1, 60));
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO progress SELECT 'c' || lpad(i::text, 5, '0'), 'done' FROM generate_series(1, 60) i");
            }
            connection.rollback();
            assertThat(store.stats().count("")).isZero();
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM progress")).isZero();

            insertable.upsert(connection, "", records(1, 60));
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO progress SELECT 'c' || lpad(i::text, 5, '0'), 'done' FROM generate_series(1, 60) i");
            }
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM migrated")).as("not visible before commit").isZero();
            connection.commit();
            assertThat(store.stats().count("")).isEqualTo(60);
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM progress")).isEqualTo(60);
            assertThat(table.settings().dimension()).isEqualTo(DIMENSION);
        }
    }

    @Test
    void writeOptionsSkipMissingRowsAndCanLeaveMetadataAndModelAlone() throws Exception {
        PgVectorSettings settings = applicationTable("options", 3);
        try (VectorStore store = store(settings); Connection connection = dataSource.getConnection()) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            store.upsert(List.of(VectorRecord.of("c00001", TestData.unit(DIMENSION, 0), Map.of("keep", "me"))));
            List<VectorRecord> batch = List.of(
                    VectorRecord.of("c00001", TestData.unit(DIMENSION, 1), Map.of("new", "value")),
                    VectorRecord.of("c00002", TestData.unit(DIMENSION, 2), Map.of("new", "value")),
                    VectorRecord.of("missing", TestData.unit(DIMENSION, 3)));

            Set<String> skipped = table.write(connection, "", batch, new PgWriteOptions(null, false, false));

            assertThat(skipped).containsExactly("missing");
            VectorRecord kept = store.fetch(List.of("c00001")).get("c00001");
            assertThat(kept.values()).containsExactly(TestData.unit(DIMENSION, 1));
            assertThat(kept.metadata()).isEqualTo(Map.of("keep", "me"));
            assertThat(Sql.rows(dataSource, "SELECT id, embedding_model FROM options WHERE embedding IS NOT NULL ORDER BY id"))
                    .containsExactly("c00001|model-a", "c00002|null");
        }
    }

    @Test
    void writesOnACallersConnectionAreCheckedLikeUpserts() throws Exception {
        PgVectorSettings settings = applicationTable("checked", 3);
        try (VectorStore store = store(settings); Connection connection = dataSource.getConnection()) {
            float[] nan = TestData.unit(DIMENSION, 0);
            nan[1] = Float.NaN;
            PgVectorTable table = store.unwrap(PgVectorTable.class);

            assertThatThrownBy(() -> table.upsert(connection, "", List.of(VectorRecord.of("c00001", TestData.unit(DIMENSION, 0)),
                    VectorRecord.of("c00002", nan))))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NON_FINITE_VALUE));
            assertThat(store.stats().count("")).isZero();
        }
    }

    @Test
    void largeBatchesMixingNewAndExistingIdsEndExactlyAsUpserts() {
        PgVectorSettings settings = PgVectorSettings.builder().table("mixed").dimension(DIMENSION).copyThreshold(100).build();
        SchemaManager.create(dataSource, settings).upgrade();
        try (VectorStore store = store(settings)) {
            List<VectorRecord> first = records(1, 300);
            store.upsert(first);
            List<VectorRecord> second = new ArrayList<>();
            Random random = new Random(99);
            for (int i = 200; i <= 500; i++) {
                second.add(VectorRecord.of(String.format("c%05d", i), TestData.randomVector(random, DIMENSION), Map.of("v", 2)));
            }
            store.upsert(second);

            assertThat(store.stats().count("")).isEqualTo(500);
            assertThat(store.fetch(List.of("c00100")).get("c00100")).isEqualTo(first.get(99));
            assertThat(store.fetch(List.of("c00250")).get("c00250")).isEqualTo(second.get(50));
            assertThat(store.fetch(List.of("c00500")).get("c00500")).isEqualTo(second.get(300));
        }
    }

    @Test
    void anIndexCanBeDroppedForABulkLoadAndRebuilt() {
        PgVectorSettings settings = PgVectorSettings.builder().table("reindexed").dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade();
        try (VectorStore store = store(settings)) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            assertThat(table.dropVectorIndex()).isTrue();
            assertThat(table.vectorIndex()).isEmpty();
            store.upsert(records(1, 200));
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(5).build())).hasSize(5);

            table.buildVectorIndex(IndexBuildOptions.defaults().withMaintenanceWorkMem("64MB").withParallelWorkers(1));
            assertThat(table.vectorIndex()).hasValue("reindexed_embedding_hnsw");
            table.dropVectorIndex();
            table.buildVectorIndex(IndexBuildOptions.defaults().withConcurrently(true));
            assertThat(table.vectorIndex()).hasValue("reindexed_embedding_hnsw");
            assertThat(Sql.value(dataSource, "SELECT current_setting('maintenance_work_mem')")).isNotEqualTo("1GB");
        }
    }

    @Test
    void aHalfvecColumnTheApplicationAlreadyHasIsReadAndWritten() {
        Sql.execute(dataSource, "CREATE TABLE halves (id text PRIMARY KEY, embedding halfvec(4))");
        PgVectorSettings settings = PgVectorSettings.builder().table("halves").copyThreshold(10).build();
        SchemaManager.create(dataSource, settings).upgrade();
        try (VectorStore store = store(settings)) {
            store.upsert(List.of(VectorRecord.of("h", new float[] {0.5f, 0.25f, 1f, 2f})));
            store.upsert(records(1, 30));

            assertThat(store.fetch(List.of("h")).get("h").values()).containsExactly(0.5f, 0.25f, 1f, 2f);
            List<Match> matches = store.query(Query.builder(new float[] {0.5f, 0.25f, 1f, 2f}).topK(3).build());
            assertThat(matches.get(0).id()).isEqualTo("h");
            assertThat(store.stats().count("")).isEqualTo(31);
            assertThat(SchemaManager.create(dataSource, settings).status().vectorIndex()).hasValueSatisfying(index ->
                    assertThat(index.operatorClasses()).containsExactly("halfvec_cosine_ops"));
        }
    }

    @Test
    void aConcurrentInsertOfAnIdBeingCopiedInFallsBackToMergingAndLosesNothing() throws Exception {
        PgVectorSettings settings = PgVectorSettings.builder().table("raced").dimension(DIMENSION).copyThreshold(100).build();
        SchemaManager.create(dataSource, settings).upgrade();
        List<VectorRecord> batch = records(1, 300);
        try (VectorStore store = store(settings); Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                statement.execute("INSERT INTO raced (namespace, id, embedding, vectorstore_metadata) VALUES"
                        + " ('', 'c00150', '[1,0,0,0]', '{\"who\": \"other\"}')");
            }
            // The namespace looks empty to the store (the row is not committed), so it copies straight in and
            // waits on that id's uncommitted key; once the other transaction commits, the COPY fails with a unique
            // violation, is rolled back to its savepoint, and the batch is merged instead.
            java.util.concurrent.CompletableFuture<Void> upsert =
                    java.util.concurrent.CompletableFuture.runAsync(() -> store.upsert(batch));
            while (!upsert.isDone() && Sql.count(dataSource, "SELECT count(*) FROM pg_locks WHERE NOT granted") == 0) {
                Thread.onSpinWait();
            }
            other.commit();
            upsert.get(2, java.util.concurrent.TimeUnit.MINUTES);

            assertThat(store.stats().count("")).isEqualTo(300);
            assertThat(store.fetch(List.of("c00150")).get("c00150")).isEqualTo(batch.get(149));
        }
    }
}
