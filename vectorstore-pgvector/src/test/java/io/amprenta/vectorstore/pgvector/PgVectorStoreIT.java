package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store against a real server: setup errors, health, unwrapping, injection attempts, connection trouble. */
@ExtendWith(PostgresExtension.class)
class PgVectorStoreIT {

    private static final int DIMENSION = 4;

    private final TestDatabase db;
    private final DataSource dataSource;

    PgVectorStoreIT(TestDatabase db) {
        this.db = db;
        this.dataSource = db.dataSource();
    }

    private PgVectorSettings prepared(String table) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade();
        return settings;
    }

    private Map<String, String> config(String table) {
        Map<String, String> config = db.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        config.put("PGVECTOR_POOL_SIZE", "2");
        return config;
    }

    private void assertStoreRefused(PgVectorSettings settings, ErrorCode code, String... messageParts) {
        assertThatThrownBy(() -> PgVectorStore.builder().dataSource(dataSource).settings(settings).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void aMissingTableOrColumnSaysToRunTheUpgrade() {
        assertStoreRefused(PgVectorSettings.builder().table("nowhere").build(), ErrorCode.TABLE_MISSING,
                "public.nowhere", "schema upgrade");
        Sql.execute(dataSource, "CREATE TABLE half_done (id text PRIMARY KEY, embedding vector(4))");
        assertStoreRefused(PgVectorSettings.builder().table("half_done").build(), ErrorCode.COLUMN_MISSING,
                "namespace", "metadata", "schema upgrade");
    }

    @Test
    void anEmbeddingColumnOfAnotherTypeOrDimensionIsNamed() {
        Sql.execute(dataSource, "CREATE TABLE texts (id text, namespace text NOT NULL DEFAULT '', embedding text,"
                + " embedding_model text, vectorstore_metadata jsonb, embedding_updated_at timestamptz, PRIMARY KEY (namespace, id))");
        assertStoreRefused(PgVectorSettings.builder().table("texts").build(), ErrorCode.COLUMN_NOT_VECTOR,
                "public.texts.embedding is of type text", "ALTER TABLE");
        prepared("four_dims");
        assertStoreRefused(PgVectorSettings.builder().table("four_dims").dimension(384).build(),
                ErrorCode.DIMENSION_MISMATCH, "PGVECTOR_DIMENSION is 384", "vector(4)");
    }

    @Test
    void theStoreUnwrapsToItsDataSource() {
        prepared("unwrap");
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).table("unwrap").build()) {
            assertThat(store.unwrap(DataSource.class)).isSameAs(dataSource);
            assertThat(store.unwrap(PgVectorTable.class).dimension()).isEqualTo(DIMENSION);
            assertThat(store.backend()).isEqualTo("pgvector");
        }
        try (VectorStore store = VectorStores.get(config("unwrap"))) {
            assertThat(store.unwrap(DataSource.class)).isInstanceOf(HikariDataSource.class);
        }
    }

    @Test
    void healthIsDegradedWithoutTheIndexAndUpWithIt() {
        PgVectorSettings settings = PgVectorSettings.builder().table("healthy").dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.upsert(List.of(VectorRecord.of("a", TestData.unit(DIMENSION, 0))));
            HealthReport degraded = store.health();
            assertThat(degraded.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(degraded.message()).contains("no HNSW index").contains("index-missing");
            assertThat(degraded.details()).containsEntry("vectorIndex", "none").containsEntry("canaryMatches", 1);

            store.unwrap(PgVectorTable.class).buildVectorIndex(IndexBuildOptions.defaults());

            HealthReport up = store.health();
            assertThat(up.status()).isEqualTo(HealthReport.Status.UP);
            assertThat(up.details()).containsEntry("vectorIndex", "healthy_embedding_hnsw").containsKey("vectorIndexUsed");

            // The server's pgvector, read here independently, decides whether health warns of its known HNSW bugs.
            String installed = Sql.value(dataSource,
                    "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'");
            assertThat(up.details()).containsEntry("pgvectorVersion", installed);
            if (TableLayout.compareVersions(installed, "0.8.4") < 0) {
                assertThat(up.message()).contains("warning: pgvector " + installed).contains("0.8.4");
                assertThat((String) up.details().get("warning")).contains("ALTER EXTENSION vector UPDATE");
            } else {
                assertThat(up.details()).doesNotContainKey("warning");
            }
        }
    }

    @Test
    void metadataKeysAndValuesThatLookLikeSqlAreStoredAndFilteredAsData() {
        prepared("injection");
        String evilKey = "k'); DROP TABLE injection; --";
        String evilValue = "v' OR '1'='1";
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(evilKey, evilValue);
        metadata.put("quote\"key", "back\\slash");
        metadata.put("list;key", List.of("a'b", "c"));
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).table("injection").build()) {
            store.upsert(List.of(VectorRecord.of("evil", TestData.unit(DIMENSION, 0), metadata),
                    VectorRecord.of("plain", TestData.unit(DIMENSION, 1), Map.of("k", "v"))));

            assertThat(store.fetch(List.of("evil")).get("evil").metadata()).isEqualTo(metadata);
            assertThat(ids(store, Filter.eq(evilKey, evilValue))).containsExactly("evil");
            assertThat(ids(store, Filter.eq(evilKey, "v"))).isEmpty();
            assertThat(ids(store, Filter.ne(evilKey, evilValue))).containsExactly("plain");
            assertThat(ids(store, Filter.in("list;key", "a'b"))).containsExactly("evil");
            assertThat(ids(store, Filter.eq("quote\"key", "back\\slash"))).containsExactly("evil");
            store.deleteByFilter(Filter.eq(evilKey, "' OR TRUE --"));
            assertThat(store.stats().count("")).isEqualTo(2);
        }
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM injection")).isEqualTo(2);
    }

    @Test
    void aTableNameWithSqlInItIsRejectedBeforeAnythingIsSent() {
        Map<String, String> config = config("x");
        config.put("PGVECTOR_TABLE", "rag_chunks; DROP TABLE injection_target");
        Sql.execute(dataSource, "CREATE TABLE injection_target (id int)");

        assertThatThrownBy(() -> VectorStores.get(config))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("PGVECTOR_TABLE");
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM pg_class WHERE relname = 'injection_target'")).isEqualTo(1);
    }

    @Test
    void anUnreachableServerIsRetryableAndThePasswordIsNeverShown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> config = config("x");
        config.put("DATABASE_URL", "postgresql://someone:s3cr3t-pa55@127.0.0.1:" + closedPort + "/nothing");

        assertThatThrownBy(() -> VectorStores.get(config))
                .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageNotContaining("s3cr3t-pa55")
                .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain("s3cr3t-pa55"));
    }

    @Test
    void theStoreRecoversWhenTheServerRestarts() {
        assumeFalse(db.server().isExternal(), "needs a server the harness can restart");
        prepared("restart");
        try (VectorStore store = VectorStores.get(config("restart"))) {
            store.upsert(List.of(VectorRecord.of("before", TestData.unit(DIMENSION, 0))));

            db.server().restart();

            store.upsert(List.of(VectorRecord.of("after", TestData.unit(DIMENSION, 1))));
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(5).build()))
                    .extracting(Match::id).containsExactlyInAnyOrder("before", "after");
        }
    }

    @Test
    void aStatementTimeoutIsReportedAsATimeoutAndWritesNothing() throws Exception {
        prepared("slow");
        Map<String, String> config = config("slow");
        config.put("PGVECTOR_STATEMENT_TIMEOUT", "300ms");
        config.put("PGVECTOR_MAX_RETRIES", "0");
        try (VectorStore store = VectorStores.get(config); Connection locker = dataSource.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                statement.execute("LOCK TABLE slow IN ACCESS EXCLUSIVE MODE");
            }
            assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("blocked", TestData.unit(DIMENSION, 0)))))
                    .isInstanceOfSatisfying(RequestTimeoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT))
                    .hasMessageContaining("statement_timeout");
            locker.rollback();
            assertThat(store.stats().count("")).isZero();
        }
    }

    @Test
    void theSameIdInTwoNamespacesIsRefusedWhenTheApplicationKeysRowsByIdAlone() {
        Sql.execute(dataSource, "CREATE TABLE keyed_by_id (id text PRIMARY KEY, content text)");
        PgVectorSettings settings = PgVectorSettings.builder().table("keyed_by_id").dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade();
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.upsert(List.of(VectorRecord.of("shared", TestData.unit(DIMENSION, 0), Map.of("ns", "default"))));

            assertThatThrownBy(() -> store.inNamespace("tenant-b").upsert(List.of(
                    VectorRecord.of("other", TestData.unit(DIMENSION, 2)),
                    VectorRecord.of("shared", TestData.unit(DIMENSION, 1), Map.of("ns", "b")))))
                    .isInstanceOfSatisfying(VectorStoreException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT))
                    .hasMessageContaining("keyed_by_id_pkey").hasMessageContaining("(id)=(shared)")
                    .hasMessageContaining("namespace");

            assertThat(store.fetch(List.of("shared")).get("shared").metadata()).isEqualTo(Map.of("ns", "default"));
            assertThat(store.inNamespace("tenant-b").stats().totalCount()).isEqualTo(1);
            assertThat(store.inNamespace("tenant-b").fetch(List.of("other", "shared"))).isEmpty();
        }
    }

    @Test
    void theStoresOwnPoolStartsSessionsWithTheScanSettings() {
        prepared("sessions");
        Map<String, String> config = config("sessions");
        config.put("PGVECTOR_EF_SEARCH", "123");
        try (VectorStore store = VectorStores.get(config)) {
            DataSource pool = store.unwrap(DataSource.class);
            assertThat(Sql.value(pool, "SELECT current_setting('hnsw.ef_search') || ' ' || current_setting('hnsw.iterative_scan')"))
                    .isEqualTo("123 relaxed_order");
            // A session reset returns to the startup settings, not to pgvector's defaults.
            Sql.execute(pool, "RESET ALL");
            assertThat(Sql.value(pool, "SELECT current_setting('hnsw.ef_search')")).isEqualTo("123");
        }
    }

    @Test
    void anApplicationPoolMayPresetTheSessionSettingsAndIsCheckedForThem() {
        PgVectorSettings settings = prepared("preset");
        try (HikariDataSource withOptions = pool(PgVectorStore.sessionOptions(settings));
             HikariDataSource without = pool(null)) {
            try (VectorStore store = PgVectorStore.builder().dataSource(withOptions).settings(settings)
                    .sessionSettingsPreset().build()) {
                store.upsert(List.of(VectorRecord.of("a", TestData.unit(DIMENSION, 0))));
                assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(600).build())).hasSize(1);
            }
            assertThatThrownBy(() -> PgVectorStore.builder().dataSource(without).settings(settings).sessionSettingsPreset().build())
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                    .hasMessageContaining("hnsw.ef_search").hasMessageContaining("-c hnsw.ef_search=" + settings.efSearch());
        }
    }

    private HikariDataSource pool(String options) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        if (options != null) {
            config.addDataSourceProperty("options", options);
        }
        return new HikariDataSource(config);
    }

    private static List<String> ids(VectorStore store, Filter filter) {
        return store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10).filter(filter).build()).stream()
                .map(Match::id).toList();
    }
}
