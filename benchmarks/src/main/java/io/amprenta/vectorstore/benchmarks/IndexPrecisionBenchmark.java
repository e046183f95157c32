package io.amprenta.vectorstore.benchmarks;

import com.pgvector.PGvector;
import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IndexPrecision;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Full against half precision HNSW indexes on the same data, in one run: build time (serial and with parallel
 * workers), index size ({@code pg_relation_size}), recall@10 at the same ef_search on queries that are not stored
 * vectors, and query p50/p99 through {@code VectorStore.query}, the two stores' queries taking turns. Also the
 * recall a half-precision index gives when only its own top-10 is re-scored (hand-written SQL), which is what the
 * library's larger re-scoring pool is for. Nothing is asserted.
 *
 * <p>Run it with {@code ./mvnw -B -q -pl benchmarks -am verify -DskipTests -Pbenchmark
 * -Dit.test=IndexPrecisionBenchmarkRun} (see docs/benchmarks.md, "Full vs half precision").
 */
public final class IndexPrecisionBenchmark {

    private static final int TOP_K = 10;
    private static final int EF_SEARCH = 100;
    private static final String FULL_TABLE = "bench_precision_full";
    private static final String HALF_TABLE = "bench_precision_half";

    private final VectorStoreConfig connection;
    private final BenchmarkOptions options;
    private final PrintStream out;

    /** A benchmark against the database {@code connection} names ({@code DATABASE_URL} or libpq variables). */
    public IndexPrecisionBenchmark(VectorStoreConfig connection, BenchmarkOptions options, PrintStream out) {
        this.connection = connection;
        this.options = options;
        this.out = out;
    }

    /** Runs the comparison and prints the report. */
    public void run() throws SQLException, IOException {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), options.queries())
                : Dataset.generated(options.generatedRows(), options.queries(), options.generatedDimension(), 7);
        out.println("== Full vs half precision HNSW ==");
        out.println("data:      " + data.description());
        out.println("index:     HNSW m=16 ef_construction=64, cosine; queries at ef_search " + EF_SEARCH + ", top-" + TOP_K);
        try (HikariDataSource pool = PgDataSources.create(connection.with("PGVECTOR_POOL_SIZE", "4"), 4)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT current_setting('max_parallel_workers'),"
                         + " current_setting('max_worker_processes'), current_setting('server_version'),"
                         + " (SELECT extversion FROM pg_extension WHERE extname = 'vector')")) {
                r.next();
                out.println("server:    PostgreSQL " + r.getString(3) + ", pgvector " + r.getString(4)
                        + ", max_parallel_workers " + r.getString(1) + ", max_worker_processes " + r.getString(2));
            }
            try (VectorStore full = load(pool, FULL_TABLE, IndexPrecision.FULL, data);
                 VectorStore half = load(pool, HALF_TABLE, IndexPrecision.HALF, data)) {
                builds(pool, full.unwrap(PgVectorTable.class), half.unwrap(PgVectorTable.class));
                queries(pool, full, half, data);
            }
        }
    }

    private VectorStore load(HikariDataSource pool, String table, IndexPrecision precision, Dataset data)
            throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table); // a store opened on a fresh table builds in its own precision
        }
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(data.dimension())
                .metric(DistanceMetric.COSINE).efSearch(EF_SEARCH).indexPrecision(precision).build();
        SchemaManager manager = SchemaManager.create(pool, settings);
        manager.upgrade(UpgradeOptions.latest().deferVectorIndex());
        VectorStore store = PgVectorStore.builder().dataSource(pool).settings(settings).build();
        List<VectorRecord> records = new ArrayList<>(data.base().length);
        for (int row = 0; row < data.base().length; row++) {
            records.add(VectorRecord.of("doc-" + row, data.base()[row]));
        }
        store.upsert(records);
        return store;
    }

    // Serial, then parallel builds, full and half taking turns; the parallel builds are kept for the queries.
    private void builds(HikariDataSource pool, PgVectorTable full, PgVectorTable half) throws SQLException {
        out.println();
        out.println("== Index builds (maintenance_work_mem 1GB; full and half take turns) ==");
        int rounds = Math.max(1, options.repetitions());
        double[][] seconds = new double[4][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int variant = 0; variant < 4; variant++) {
                PgVectorTable table = variant % 2 == 0 ? full : half;
                IndexBuildOptions build = variant < 2 ? IndexBuildOptions.defaults().withParallelWorkers(0)
                        : IndexBuildOptions.defaults();
                drop(pool, table);
                long started = System.nanoTime();
                table.buildVectorIndex(build);
                seconds[variant][round] = (System.nanoTime() - started) / 1e9;
            }
        }
        String[] names = {"full, serial", "half, serial", "full, parallel (derived workers)", "half, parallel (derived workers)"};
        for (int variant = 0; variant < 4; variant++) {
            out.printf(Locale.ROOT, "%-34s median %6.1f s   runs %s%n", names[variant], median(seconds[variant]),
                    Arrays.toString(Arrays.stream(seconds[variant]).map(s -> Math.round(s * 10) / 10.0).toArray()));
        }
        out.printf(Locale.ROOT, "half / full build time, serial %.2f, parallel %.2f; parallel / serial: full %.2f, half %.2f%n",
                median(seconds[1]) / median(seconds[0]), median(seconds[3]) / median(seconds[2]),
                median(seconds[2]) / median(seconds[0]), median(seconds[3]) / median(seconds[1]));
        long fullSize = indexSize(pool, FULL_TABLE);
        long halfSize = indexSize(pool, HALF_TABLE);
        out.printf(Locale.ROOT, "index size: full %.1f MB, half %.1f MB, half / full %.2f%n", fullSize / 1048576.0,
                halfSize / 1048576.0, (double) halfSize / fullSize);
    }

    private void drop(HikariDataSource pool, PgVectorTable table) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP INDEX IF EXISTS " + table.settings().table() + "_embedding_hnsw");
        }
    }

    private static long indexSize(HikariDataSource pool, String table) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_relation_size('" + table + "_embedding_hnsw')")) {
            r.next();
            return r.getLong(1);
        }
    }

    private void queries(HikariDataSource pool, VectorStore full, VectorStore half, Dataset data) throws SQLException {
        float[][] queries = data.queries();
        int rounds = Math.max(1, options.latencyRounds());
        List<Long> fullNanos = new ArrayList<>();
        List<Long> halfNanos = new ArrayList<>();
        double fullRecall = 0;
        double halfRecall = 0;
        double topKOnlyRecall = 0;
        double scoreError = 0;
        try (Connection c = pool.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET hnsw.ef_search = " + EF_SEARCH);
            }
            // The half-precision index's own top-10, re-scored exactly: re-scoring no more than top-k candidates.
            PreparedStatement topKOnly = c.prepareStatement("SELECT id FROM (SELECT id, embedding FROM " + HALF_TABLE
                    + " WHERE namespace = '' ORDER BY embedding::halfvec(" + data.dimension() + ") <=> ?::halfvec("
                    + data.dimension() + ") LIMIT " + TOP_K + ") c ORDER BY embedding <=> ?::vector");
            for (int round = -1; round < rounds; round++) {
                for (int q = 0; q < queries.length; q++) {
                    Query query = Query.builder(queries[q]).topK(TOP_K).build();
                    boolean fullFirst = (q + round) % 2 == 0;
                    long[] nanos = new long[2];
                    List<Match> fullMatches = null;
                    List<Match> halfMatches = null;
                    for (int turn = 0; turn < 2; turn++) {
                        boolean isFull = (turn == 0) == fullFirst;
                        long started = System.nanoTime();
                        List<Match> matches = (isFull ? full : half).query(query);
                        long elapsed = System.nanoTime() - started;
                        if (isFull) {
                            fullMatches = matches;
                            nanos[0] = elapsed;
                        } else {
                            halfMatches = matches;
                            nanos[1] = elapsed;
                        }
                    }
                    if (round < 0) {
                        int[] truth = truth(data, q);
                        fullRecall += recall(ids(fullMatches), truth);
                        halfRecall += recall(ids(halfMatches), truth);
                        topKOnly.setObject(1, new PGvector(queries[q]));
                        topKOnly.setObject(2, new PGvector(queries[q]));
                        List<String> ids = new ArrayList<>();
                        try (ResultSet r = topKOnly.executeQuery()) {
                            while (r.next()) {
                                ids.add(r.getString(1));
                            }
                        }
                        topKOnlyRecall += recall(ids, truth);
                        for (int i = 0; i < Math.min(fullMatches.size(), halfMatches.size()); i++) {
                            if (fullMatches.get(i).id().equals(halfMatches.get(i).id())) {
                                scoreError = Math.max(scoreError,
                                        Math.abs(fullMatches.get(i).score() - halfMatches.get(i).score()));
                            }
                        }
                    } else {
                        fullNanos.add(nanos[0]);
                        halfNanos.add(nanos[1]);
                    }
                }
            }
        }
        int n = queries.length;
        out.println();
        out.println("== Queries: " + n + " queries that are not stored vectors, " + rounds
                + " timed rounds after a warm-up; full and half take turns going first ==");
        out.printf(Locale.ROOT, "recall@10 full index                         %.3f%n", fullRecall / n);
        out.printf(Locale.ROOT, "recall@10 half index, library (re-scores 4x top-k) %.3f%n", halfRecall / n);
        out.printf(Locale.ROOT, "recall@10 half index, re-scoring its top-10 only   %.3f%n", topKOnlyRecall / n);
        out.printf(Locale.ROOT, "largest score difference full vs half, same id at same rank %.2e%n", scoreError);
        double fullP50 = percentile(fullNanos, 0.50);
        double halfP50 = percentile(halfNanos, 0.50);
        double fullP99 = percentile(fullNanos, 0.99);
        double halfP99 = percentile(halfNanos, 0.99);
        out.printf(Locale.ROOT, "VectorStore.query p50: full %.2f ms, half %.2f ms, half / full %.2f%n", fullP50, halfP50,
                halfP50 / fullP50);
        out.printf(Locale.ROOT, "VectorStore.query p99: full %.2f ms, half %.2f ms, half / full %.2f%n", fullP99, halfP99,
                halfP99 / fullP99);
    }

    private static int[] truth(Dataset data, int q) {
        return data.groundTruth() != null ? data.groundTruth()[q]
                : ExactSearch.topK(data.base(), data.queries()[q], TOP_K, DistanceMetric.COSINE, row -> true);
    }

    private static List<String> ids(List<Match> matches) {
        return matches.stream().map(Match::id).toList();
    }

    private static double recall(List<String> ids, int[] truth) {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < Math.min(TOP_K, truth.length); i++) {
            expected.add("doc-" + truth[i]);
        }
        return ids.stream().filter(expected::contains).count() / (double) expected.size();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double percentile(List<Long> nanos, double p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
