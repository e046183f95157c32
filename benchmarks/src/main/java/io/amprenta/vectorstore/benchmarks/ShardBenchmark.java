package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.cutover.LatencySummary;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.ShardedSchema;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The shard curve (docs/scaling.md, "Shards"): the same records in a plain table on one server (what a user does
 * without shards, the baseline) and in tables sharded by id over 1, 2 and 3 servers through {@code postgres_fdw}.
 * For each: load time (upserts of 1,000 through the store, into tables without their HNSW index), index build time
 * (the shards' indexes built at once, one thread per shard), and, with the configurations taking turns query by
 * query, latency p50/p99 and recall@10 of queries that are not stored vectors. On one machine the servers share its
 * cores, so the curve says what the fan-out costs, not how separate machines would scale.
 */
public final class ShardBenchmark {

    private static final int TOP_K = 10;
    private static final int BATCH = 1_000;
    private static final int WARMUP = 20;

    private final DataSource coordinator;
    private final Map<String, String> coordinatorConfig;
    private final List<String> shardUrls;
    private final Function<Integer, DataSource> shardDataSource;
    private final BenchmarkOptions options;
    private final PrintStream out;

    /**
     * @param shardUrls the shard servers' databases, in order (the first n are used for n shards)
     * @param shardDataSource a DataSource for shard i, for building its index
     */
    public ShardBenchmark(DataSource coordinator, Map<String, String> coordinatorConfig, List<String> shardUrls,
                          Function<Integer, DataSource> shardDataSource, BenchmarkOptions options, PrintStream out) {
        this.coordinator = coordinator;
        this.coordinatorConfig = Map.copyOf(coordinatorConfig);
        this.shardUrls = List.copyOf(shardUrls);
        this.shardDataSource = shardDataSource;
        this.options = options;
        this.out = out;
    }

    /** Runs the benchmark and prints the report. */
    public void run() throws Exception {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), options.queries())
                : Dataset.generated(options.generatedRows(), options.queries(), options.generatedDimension(), 7);
        out.println("shard curve: " + data.description() + ", top-k " + TOP_K + "; all servers on this machine ("
                + Runtime.getRuntime().availableProcessors() + " cores)");
        out.println("load average before: " + loadAverage());
        List<Config> configs = new ArrayList<>();
        configs.add(build("plain table, one server", "bench_shards_plain", 0, data));
        for (int shards = 1; shards <= shardUrls.size(); shards++) {
            configs.add(build(shards + " shard" + (shards == 1 ? "" : "s") + " (postgres_fdw)", "bench_shards_" + shards,
                    shards, data));
        }
        List<List<Long>> latencies = new ArrayList<>();
        List<Double> recall = new ArrayList<>();
        configs.forEach(config -> {
            latencies.add(new ArrayList<>());
            recall.add(0.0);
        });
        for (int q = 0; q < data.queries().length + WARMUP; q++) {
            float[] vector = data.queries()[q % data.queries().length];
            for (int c = 0; c < configs.size(); c++) {
                long started = System.nanoTime();
                List<Match> matches = configs.get(c).store().query(Query.builder(vector).topK(TOP_K).build());
                long took = System.nanoTime() - started;
                if (q >= WARMUP) {
                    latencies.get(c).add(took);
                    recall.set(c, recall.get(c) + recall(matches, truth(data, q % data.queries().length)));
                }
            }
        }
        out.println("load average after: " + loadAverage());
        out.println();
        out.println("| configuration | load | index build | query p50 | query p99 | recall@10 | p50 vs plain |");
        out.println("| --- | --- | --- | --- | --- | --- | --- |");
        double plainP50 = 0;
        for (int c = 0; c < configs.size(); c++) {
            LatencySummary summary = LatencySummary.of(latencies.get(c).stream().mapToLong(Long::longValue).toArray());
            if (c == 0) {
                plainP50 = summary.p50Millis();
            }
            Config config = configs.get(c);
            out.println(String.format(Locale.ROOT, "| %s | %.1f s | %.1f s | %.2f ms | %.2f ms | %.3f | %.2fx |",
                    config.name(), config.loadSeconds(), config.indexSeconds(), summary.p50Millis(), summary.p99Millis(),
                    recall.get(c) / data.queries().length, summary.p50Millis() / plainP50));
            config.store().close();
        }
    }

    private Config build(String name, String table, int shards, Dataset data) throws Exception {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(data.dimension())
                .metric(DistanceMetric.COSINE).build();
        UpgradeOptions deferred = UpgradeOptions.latest().deferVectorIndex();
        if (shards == 0) {
            SchemaManager.create(coordinator, settings).upgrade(deferred);
        } else {
            ShardedSchema.create(coordinator, settings, ShardedSchema.ShardKey.ID, shardUrls.subList(0, shards))
                    .upgrade(deferred);
        }
        Map<String, String> config = new HashMap<>(coordinatorConfig);
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(data.dimension()));
        config.put("PGVECTOR_POOL_SIZE", "2");
        VectorStore store = VectorStores.get(config);
        long started = System.nanoTime();
        List<VectorRecord> batch = new ArrayList<>(BATCH);
        for (int row = 0; row < data.base().length; row++) {
            batch.add(VectorRecord.of("doc-" + row, data.base()[row]));
            if (batch.size() == BATCH || row == data.base().length - 1) {
                store.upsert(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
        double load = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        if (shards == 0) {
            SchemaManager.create(coordinator, settings).upgrade();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(shards);
            try {
                List<Future<?>> builds = new ArrayList<>();
                for (int i = 0; i < shards; i++) {
                    DataSource shard = shardDataSource.apply(i);
                    builds.add(pool.submit(() -> SchemaManager.create(shard, settings).upgrade()));
                }
                for (Future<?> build : builds) {
                    build.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        double index = (System.nanoTime() - started) / 1e9;
        store.close();
        // A new store, as a restarted application would open it, over the indexed tables.
        VectorStore opened = VectorStores.get(config);
        if (shards > 0) {
            awaitStatistics(name, table, data.base().length);
        }
        return new Config(name, opened, load, index);
    }

    /**
     * Waits (at most 2 minutes) until the coordinator's statistics of the table's foreign partitions, which the store
     * keeps by itself (nobody here runs ANALYZE), cover what the store's rule promises: every partition above top-k (so
     * each shard's LIMIT is pushed) and at least half the rows loaded less 50: the store analyzes again once the
     * rows written since its last analysis reach 50 plus the estimate. Prints how long that took after the index build.
     */
    private void awaitStatistics(String name, String table, int rows) throws Exception {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(2);
        String sql = "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::int8, coalesce(bool_and(c.reltuples > " + TOP_K
                + "), false) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(?)";
        long estimate = 0;
        boolean ready = false;
        while (!ready && System.nanoTime() - deadline < 0) {
            try (Connection connection = coordinator.getConnection();
                 PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, table);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    estimate = result.getLong(1);
                    ready = result.getBoolean(2) && estimate >= rows / 2.0 - 50;
                }
            }
            if (!ready) {
                Thread.sleep(100);
            }
        }
        out.println(String.format(Locale.ROOT, "%s: coordinator statistics %s ~%,d of %,d rows %.1f s after the index build",
                name, ready ? "at" : "still only at", estimate, rows, (System.nanoTime() - started) / 1e9));
    }

    private static Set<String> truth(Dataset data, int query) {
        Set<String> ids = new HashSet<>();
        if (data.groundTruth() != null) {
            for (int row : data.groundTruth()[query]) {
                ids.add("doc-" + row);
            }
            return ids;
        }
        float[] q = data.queries()[query];
        double[] best = new double[data.base().length];
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < data.base().length; row++) {
            double dot = 0;
            for (int d = 0; d < q.length; d++) {
                dot += q[d] * data.base()[row][d];
            }
            best[row] = dot;
            rows.add(row);
        }
        rows.sort((a, b) -> Double.compare(best[b], best[a]));
        rows.subList(0, TOP_K).forEach(row -> ids.add("doc-" + row));
        return ids;
    }

    private static double recall(List<Match> matches, Set<String> truth) {
        return matches.stream().filter(match -> truth.contains(match.id())).count() / (double) TOP_K;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private record Config(String name, VectorStore store, double loadSeconds, double indexSeconds) {
    }
}
