package io.amprenta.vectorstore.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.cutover.LatencySummary;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.Partitioning;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import io.amprenta.vectorstore.testkit.TestData;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A small tenant beside a large one, in the two layouts a user can choose: one table with one HNSW index shared by
 * every namespace (the namespace a filter on the index scan), and the table partitioned by namespace
 * ({@code schema upgrade --partition-by namespace}), where the small tenant has a partition and an index of its own.
 * Reports the small tenant's recall@10 against exact search over its own rows (queries that are not stored vectors)
 * and its query latency p50/p99 in both layouts, measured interleaved, query by query, in the same run, and the
 * ratios. Real embeddings when the shared data set is there: the small tenant is a random sample of it, the large
 * tenant the rest plus jittered copies of it (same distribution) up to its size; generated clustered data otherwise.
 */
public final class PartitionBenchmark {

    private static final int TOP_K = 10;
    private static final String SMALL = "small-tenant";
    private static final String LARGE = "large-tenant";

    private final VectorStoreConfig config;
    private final BenchmarkOptions options;
    private final int smallRows;
    private final int largeRows;
    private final PrintStream out;

    /** A benchmark in the database {@code config} names, with tenants of {@code smallRows} and {@code largeRows}. */
    public PartitionBenchmark(VectorStoreConfig config, BenchmarkOptions options, int smallRows, int largeRows,
                              PrintStream out) {
        this.config = config;
        this.options = options;
        this.smallRows = smallRows;
        this.largeRows = largeRows;
        this.out = out;
    }

    /** Loads both layouts, measures them and prints the report. */
    public void run() throws IOException, SQLException {
        Random random = new Random(23);
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), options.queries())
                : Dataset.generated(smallRows + largeRows, options.queries(), options.generatedDimension(), 23);
        float[][] small = new float[smallRows][];
        List<float[]> large = new ArrayList<>(largeRows);
        Set<Integer> chosen = new HashSet<>();
        while (chosen.size() < Math.min(smallRows, data.base().length / 2)) {
            chosen.add(random.nextInt(data.base().length));
        }
        int s = 0;
        for (int row = 0; row < data.base().length; row++) {
            if (chosen.contains(row)) {
                small[s++] = data.base()[row];
            } else if (large.size() < largeRows) {
                large.add(data.base()[row]);
            }
        }
        int originals = large.size();
        while (large.size() < largeRows) {
            float[] copy = large.get(random.nextInt(originals)).clone();
            float[] noise = TestData.gaussian(random, copy.length, 0.02);
            for (int d = 0; d < copy.length; d++) {
                copy[d] += noise[d];
            }
            large.add(TestData.normalize(copy));
        }
        out.println("== Namespaces as partitions: a small tenant beside a large one ==");
        out.println("data:    " + data.description() + "; small tenant " + s + " rows, large tenant " + largeRows
                + " rows (" + (largeRows - originals) + " of them jittered copies), top-" + TOP_K + ", "
                + options.latencyRounds() + " rounds of " + data.queries().length + " queries");
        float[][] smallBase = Arrays.copyOf(small, s);
        List<Query> queries = new ArrayList<>();
        List<Set<String>> truth = new ArrayList<>();
        for (float[] vector : data.queries()) {
            queries.add(Query.builder(vector).topK(TOP_K).build());
            Set<String> best = new HashSet<>();
            for (int row : ExactSearch.topK(smallBase, vector, TOP_K, DistanceMetric.COSINE, r -> true)) {
                best.add("s-" + row);
            }
            truth.add(best);
        }
        try (HikariDataSource pool = PgDataSources.create(config, 4)) {
            long started = System.nanoTime();
            VectorStore shared = load(pool, "bench_tenants_shared", Partitioning.NONE, smallBase, large);
            long sharedLoad = System.nanoTime() - started;
            started = System.nanoTime();
            VectorStore partitioned = load(pool, "bench_tenants_partitioned", Partitioning.NAMESPACE, smallBase, large);
            long partitionedLoad = System.nanoTime() - started;
            try (shared; partitioned) {
                VectorStore[] stores = {shared.inNamespace(SMALL), partitioned.inNamespace(SMALL)};
                List<List<Long>> nanos = List.of(new ArrayList<>(), new ArrayList<>());
                double[] hits = new double[2];
                for (int round = 0; round < options.latencyRounds(); round++) {
                    for (int q = 0; q < queries.size(); q++) {
                        // Alternate which layout goes first, so neither always finds the other's pages cached.
                        for (int turn = 0; turn < 2; turn++) {
                            int which = (q + round + turn) % 2;
                            long t0 = System.nanoTime();
                            List<Match> matches = stores[which].query(queries.get(q));
                            nanos.get(which).add(System.nanoTime() - t0);
                            if (round == 0) {
                                Set<String> expected = truth.get(q);
                                hits[which] += matches.stream().filter(m -> expected.contains(m.id())).count();
                            }
                        }
                    }
                }
                LatencySummary[] latency = {summary(nanos.get(0)), summary(nanos.get(1))};
                double[] recall = {hits[0] / (queries.size() * TOP_K), hits[1] / (queries.size() * TOP_K)};
                out.println();
                out.printf(Locale.ROOT, "%-36s %10s %10s %10s %12s%n", "small tenant's queries", "recall@10", "p50 ms",
                        "p99 ms", "load+index s");
                out.printf(Locale.ROOT, "%-36s %10.3f %10.2f %10.2f %12.1f%n", "shared HNSW index (namespace filter)",
                        recall[0], latency[0].p50Millis(), latency[0].p99Millis(), sharedLoad / 1e9);
                out.printf(Locale.ROOT, "%-36s %10.3f %10.2f %10.2f %12.1f%n", "partition with its own index",
                        recall[1], latency[1].p50Millis(), latency[1].p99Millis(), partitionedLoad / 1e9);
                out.printf(Locale.ROOT, "partitions / shared: recall %.3f, p50 %.2f, p99 %.2f%n", recall[1] / recall[0],
                        latency[1].p50Millis() / latency[0].p50Millis(), latency[1].p99Millis() / latency[0].p99Millis());
                out.println("(both with the store's default search settings: ef_search raised to top-k, iterative"
                        + " scans; every query runs on both layouts, interleaved)");
            }
        }
    }

    private VectorStore load(HikariDataSource pool, String table, Partitioning partitioning, float[][] small,
                             List<float[]> large) throws SQLException {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(small[0].length).build();
        SchemaManager.create(pool, settings).upgrade(UpgradeOptions.latest().deferVectorIndex().partitionBy(partitioning));
        VectorStore store = PgVectorStore.builder().dataSource(pool).settings(settings).build();
        List<VectorRecord> records = new ArrayList<>();
        for (int row = 0; row < small.length; row++) {
            records.add(VectorRecord.of("s-" + row, small[row], Map.of()));
        }
        store.inNamespace(SMALL).upsert(records);
        for (int from = 0; from < large.size(); from += 10_000) {
            records = new ArrayList<>();
            for (int row = from; row < Math.min(large.size(), from + 10_000); row++) {
                records.add(VectorRecord.of("l-" + row, large.get(row), Map.of()));
            }
            store.inNamespace(LARGE).upsert(records);
        }
        store.unwrap(PgVectorTable.class).buildVectorIndex(IndexBuildOptions.defaults());
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE " + table);
        }
        return store;
    }

    private static LatencySummary summary(List<Long> nanos) {
        return LatencySummary.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }
}
