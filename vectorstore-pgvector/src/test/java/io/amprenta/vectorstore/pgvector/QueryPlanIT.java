package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
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
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queries the store sends use the HNSW index (checked with EXPLAIN on its exact SQL and settings), with and
 * without a filter and with the namespace predicate, and return top-k rows where pgvector alone would return fewer.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanIT {

    private static final int DIMENSION = 32;
    private static final int ROWS = 6_000;

    private final DataSource dataSource;
    private final List<VectorRecord> records = new ArrayList<>();
    private VectorStore store;
    private PgVectorTable table;

    QueryPlanIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    @BeforeAll
    void load() {
        PgVectorSettings settings = PgVectorSettings.builder().table("planned").dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build();
        Random random = new Random(11);
        for (int i = 0; i < ROWS; i++) {
            records.add(VectorRecord.of("p" + i, TestData.randomVector(random, DIMENSION),
                    Map.of("bucket10", i % 10, "bucket50", i % 50, "kind", i % 2 == 0 ? "even" : "odd")));
        }
        store.upsert(records);
        // A second namespace as large as the first: the namespace predicate filters half of what the index yields.
        store.inNamespace("other").upsert(TestData.randomRecords(random, ROWS, DIMENSION, "o"));
        table = store.unwrap(PgVectorTable.class);
        table.buildVectorIndex(IndexBuildOptions.defaults());
    }

    @AfterAll
    void close() {
        store.close();
    }

    private String plan(Query query) {
        return table.explain("", query);
    }

    @Test
    void anUnfilteredQueryOrdersByTheBareOperatorOnTheHnswIndex() {
        String plan = plan(Query.builder(records.get(0).values()).topK(10).build());

        assertThat(plan).contains("Index Scan using planned_embedding_hnsw on planned")
                .contains("Order By: (embedding <=> ").contains("Filter: ((embedding IS NOT NULL) AND (namespace = ''::text))");
        assertThat(table.searchStatement("", Query.builder(records.get(0).values()).build()).sql())
                .contains("ORDER BY distance LIMIT 10").contains("\"embedding\" <=> ?::vector(32) AS distance");
    }

    @Test
    void aFilteredQueryStillScansTheHnswIndex() {
        for (Filter filter : List.of(Filter.eq("bucket10", 3), Filter.eq("kind", "odd"),
                Filter.and(Filter.gte("bucket10", 2), Filter.ne("kind", "even")))) {
            String plan = plan(Query.builder(records.get(1).values()).topK(10).filter(filter).build());
            assertThat(plan).as(filter.toJson()).contains("Index Scan using planned_embedding_hnsw on planned")
                    .contains("metadata");
        }
    }

    @Test
    void filteredAndNamespacedQueriesReturnTopKRowsAndTheExactBestOnes() {
        Filter filter = Filter.eq("bucket50", 7);
        float[] vector = records.get(2).values();

        List<Match> matches = store.query(Query.builder(vector).topK(10).filter(filter).build());

        List<String> expected = records.stream().filter(r -> filter.test(r.metadata()))
                .sorted(Comparator.comparingDouble((VectorRecord r) -> -DistanceMetric.COSINE.score(vector, r.values())))
                .limit(10).map(VectorRecord::id).toList();
        assertThat(matches).extracting(Match::id).hasSize(10).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void topKAboveEfSearchAndAboveItsMaximumStillReturnsTopKRows() {
        float[] vector = records.get(3).values();

        assertThat(store.query(Query.builder(vector).topK(500).includeMetadata(false).build())).hasSize(500);
        List<Match> many = store.query(Query.builder(vector).topK(2_500).includeMetadata(false).build());
        assertThat(many).hasSize(2_500).extracting(Match::id).doesNotHaveDuplicates();
        assertThat(many).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
        assertThat(store.query(Query.builder(vector).topK(10_000).includeMetadata(false).build())).hasSize(ROWS);
    }

    @Test
    void withoutIterativeScansPgvectorReturnsTooFewRowsAndTheExactFallbackRestoresThem() {
        PgVectorSettings bare = PgVectorSettings.builder().table("planned").efSearch(40)
                .iterativeScan(PgVectorSettings.IterativeScan.OFF).exactFallback(false).build();
        PgVectorSettings guarded = bare.toBuilder().exactFallback(true).build();
        Query selective = Query.builder(records.get(4).values()).topK(10).filter(Filter.eq("bucket10", 4)).build();

        try (VectorStore pgvectorDefaults = PgVectorStore.builder().dataSource(dataSource).settings(bare).build();
             VectorStore withFallback = PgVectorStore.builder().dataSource(dataSource).settings(guarded).build()) {
            assertThat(pgvectorDefaults.query(selective)).as("ef_search 40 over a 10 % filter").hasSizeLessThan(10);
            assertThat(withFallback.query(selective)).hasSize(10);
        }
    }
}
