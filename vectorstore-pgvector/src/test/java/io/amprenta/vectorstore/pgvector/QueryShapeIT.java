package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A query costs what the query a user writes by hand costs (ARCHITECTURE.md, "The query path", step 4): the plain
 * statement without a wrapping query, no iterative scan where nothing is filtered out, scan settings kept by the
 * session instead of sent with every query (and restored when the application resets them), filtered queries planned
 * with their values. Runs on an application's HikariCP pool of one connection, so every query meets the same session.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryShapeIT {

    private static final int DIMENSION = 16;
    private static final int ROWS = 2_000;

    private final TestDatabase db;
    private final List<VectorRecord> records = new ArrayList<>();
    private HikariDataSource appPool;
    private PgVectorSettings settings;
    private VectorStore store;
    private PgVectorTable table;

    QueryShapeIT(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    void load() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(1);
        appPool = new HikariDataSource(config);
        settings = PgVectorSettings.builder().table("shaped").dimension(DIMENSION).efSearch(64).build();
        SchemaManager.create(appPool, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        store = PgVectorStore.builder().dataSource(appPool).settings(settings).build();
        Random random = new Random(5);
        for (int i = 0; i < ROWS; i++) {
            records.add(VectorRecord.of("s" + i, TestData.randomVector(random, DIMENSION), Map.of("bucket10", i % 10)));
        }
        store.upsert(records);
        // A small second namespace: the default one still holds nearly the whole table.
        store.inNamespace("small").upsert(TestData.randomRecords(random, 50, DIMENSION, "x"));
        table = store.unwrap(PgVectorTable.class);
        // Builds the index and analyzes the table, so the planner's statistics know the namespaces' shares.
        table.buildVectorIndex(IndexBuildOptions.defaults());
        store.close();
        store = PgVectorStore.builder().dataSource(appPool).settings(settings).build();
        table = store.unwrap(PgVectorTable.class);
    }

    @AfterAll
    void close() {
        store.close();
        appPool.close();
    }

    private Query unfiltered(int row) {
        return Query.builder(records.get(row).values()).topK(10).build();
    }

    private Query filtered(int row) {
        return Query.builder(records.get(row).values()).topK(10).filter(Filter.eq("bucket10", 3)).build();
    }

    @Test
    void anUnfilteredQueryOverTheWholeTableIsThePlainStatementWithoutAnIterativeScan() {
        store.query(unfiltered(0));

        SearchStatement plain = table.searchStatement("", unfiltered(0));
        assertThat(plain.sql()).doesNotContain("WITH").doesNotContain("set_config").contains("ORDER BY distance LIMIT 10");
        assertThat(plain.settings()).containsEntry("hnsw.iterative_scan", "off").containsEntry("hnsw.ef_search", "64");
        // Filtered queries, and unfiltered ones in a namespace that is a small part of the table, keep iterating.
        assertThat(table.searchStatement("", filtered(0)).settings()).containsEntry("hnsw.iterative_scan", "relaxed_order");
        assertThat(table.searchStatement("small", unfiltered(0)).settings())
                .containsEntry("hnsw.iterative_scan", "relaxed_order");
        // The guard is checked once per statement, before the scan (QueryPlanIT checks the index is used).
        assertThat(table.explain("", unfiltered(0))).contains("One-Time Filter: ((current_setting('hnsw.ef_search'");
    }

    @Test
    void theSessionKeepsTheScanSettingsAndQueriesRestoreThemAfterTheApplicationResetsThem() {
        assertThat(store.query(unfiltered(1))).hasSize(10);
        assertThat(Sql.value(appPool, "SELECT current_setting('hnsw.ef_search') || ' ' || current_setting('hnsw.iterative_scan')"))
                .isEqualTo("64 off");

        // The application changes the session behind the store's back; no exact fallback may hide it.
        try (VectorStore strict = PgVectorStore.builder().dataSource(appPool).settings(settings.toBuilder()
                .exactFallback(false).build()).build()) {
            assertThat(strict.query(unfiltered(2))).hasSize(10);
            // Run with these, the scan would yield one row.
            Sql.execute(appPool, "SET hnsw.ef_search = 1", "SET hnsw.iterative_scan = off");
            assertThat(strict.query(unfiltered(2))).hasSize(10);
            assertThat(Sql.value(appPool, "SELECT current_setting('hnsw.ef_search') || ' ' || current_setting('hnsw.iterative_scan')"))
                    .isEqualTo("64 off");
            Sql.execute(appPool, "RESET ALL");
            assertThat(strict.query(filtered(3))).hasSize(10);
            assertThat(Sql.value(appPool, "SELECT current_setting('hnsw.iterative_scan')")).isEqualTo("relaxed_order");
        }
    }

    @Test
    void filteredQueriesAreNeverServerPreparedSoTheyArePlannedWithTheirValues() {
        for (int i = 0; i < 12; i++) {
            store.query(filtered(i));
            store.query(unfiltered(i));
        }

        // The pool's one session: the unfiltered statement is kept prepared, the filtered one never.
        List<String> prepared = Sql.rows(appPool, "SELECT statement FROM pg_prepared_statements WHERE statement LIKE"
                + " '%ORDER BY distance LIMIT 10%'");
        assertThat(prepared).isNotEmpty().allSatisfy(sql -> assertThat(sql).doesNotContain("@>"));
    }

    @Test
    void rowsComeBackBestFirstWithTiesInCodePointOrder() {
        float[] vector = TestData.randomVector(new Random(9), DIMENSION);
        // U+E000 sorts before U+1F600 by code point (and in UTF-8 bytes), after it in UTF-16 units.
        List<String> ids = List.of("tie-\uD83D\uDE00", "tie-\uE000", "tie-b", "tie-a");
        VectorStore ties = store.inNamespace("ties");
        ties.upsert(ids.stream().map(id -> VectorRecord.of(id, vector, Map.of())).toList());

        assertThat(ties.query(Query.builder(vector).topK(4).build())).extracting(Match::id)
                .containsExactly("tie-a", "tie-b", "tie-\uE000", "tie-\uD83D\uDE00");
    }

}
