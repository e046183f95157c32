package io.amprenta.vectorstore.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.cutover.LatencySummary;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
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
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * The hybrid (dense plus sparse) part of the performance harness. On one database and one data set, in one run:
 * <ol>
 * <li>recall@10 of pgvector's hybrid search against the exact hybrid top-10 (dense dot product plus sparse dot
 * product over every record, in double precision, as the memory backend computes it), and the rows each query
 * returned, unfiltered and with a 10 % filter;</li>
 * <li>latency p50/p99 of {@code VectorStore.query} with a sparse vector, against the same store's dense-only
 * query with the same dense vector, and against the exact hybrid SQL a user would write by hand (a full scan
 * scoring every row), taking turns so that the machine's load falls on all three alike.</li>
 * </ol>
 * The dense vectors are the real data set's when present, else generated clustered vectors. The sparse vectors are
 * made the way a BM25 encoder with a 32-bit token hash makes them (pinecone-text's {@code BM25Encoder}): each document
 * draws 20 to 200 distinct terms from a Zipf distribution over a vocabulary whose term ids are hashed to 32 bits (so
 * most exceed 10^9), the most frequent ranks being left out as stop words; document values are BM25's saturated
 * term frequency, query values the terms' idf normalized to sum 1, and the hybrid weighting is Pinecone's convex
 * combination with alpha 0.5. Queries are the data set's query vectors (not stored records) with 2 to 8 Zipf-drawn
 * terms. Nothing here asserts a time.
 *
 * <p>Run it with {@code ./mvnw -q -o -pl benchmarks -am verify -DskipTests -Pbenchmark -Dit.test=HybridBenchmarkRun}.
 */
public final class HybridBenchmark {

    static final int TOP_K = 10;
    private static final String TABLE = "bench_hybrid";
    private static final int VOCABULARY = 50_000;
    private static final int STOP_WORDS = 50;
    private static final double ZIPF_EXPONENT = 1.0;
    private static final double ALPHA = 0.5;
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private final VectorStoreConfig connection;
    private final BenchmarkOptions options;
    private final PrintStream out;

    /** A benchmark against the database {@code connection} names ({@code DATABASE_URL} or libpq variables). */
    public HybridBenchmark(VectorStoreConfig connection, BenchmarkOptions options, PrintStream out) {
        this.connection = connection;
        this.options = options;
        this.out = out;
    }

    /** The measured figures, for the report's last lines. */
    public record Figures(double recall, double filteredRecall, double rowsPerQuery, double hybridOverDense,
                          double hybridOverHandWritten) {
    }

    /** Generates the data, loads it, measures and prints the report. */
    public Figures run() throws SQLException, IOException {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), options.queries())
                : Dataset.generated(options.generatedRows(), options.queries(), options.generatedDimension(), 7);
        Sparse sparse = Sparse.generate(data.base().length, data.queries().length, new Random(13));
        out.println("== Hybrid search benchmark ==");
        out.println("dense:     " + data.description());
        out.printf(Locale.ROOT, "sparse:    BM25-like, %d-term vocabulary hashed to 32 bits (top %d ranks left out as stop"
                + " words), Zipf exponent %.1f; %.1f terms per document on average (20-200), %.1f per query (2-8);"
                + " %.0f%% of stored indices above 10^9%n", VOCABULARY, STOP_WORDS, ZIPF_EXPONENT, sparse.averageTerms(sparse.documents),
                sparse.averageTerms(sparse.queries), 100 * sparse.shareAboveBillion());
        out.printf(Locale.ROOT, "load:      %s%n", loadAverage());
        PgVectorSettings settings = PgVectorSettings.builder().table(TABLE).dimension(data.dimension())
                .metric(DistanceMetric.DOTPRODUCT).retry(RetryPolicy.none()).build();
        try (HikariDataSource pool = PgDataSources.create(connection.with("PGVECTOR_POOL_SIZE", "4"), 4)) {
            SchemaManager.create(pool, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
            execute(pool, "TRUNCATE " + TABLE);
            List<VectorRecord> records = new ArrayList<>(data.base().length);
            for (int row = 0; row < data.base().length; row++) {
                records.add(VectorRecord.of("doc-" + row, data.base()[row], Map.of("bucket10", (double) (row % 10)))
                        .withSparseValues(sparse.documents[row]));
            }
            try (VectorStore store = PgVectorStore.builder().dataSource(pool).settings(settings).build()) {
                long started = System.nanoTime();
                store.upsert(records);
                PgVectorTable table = store.unwrap(PgVectorTable.class);
                table.buildVectorIndex(IndexBuildOptions.defaults());
                execute(pool, "VACUUM ANALYZE " + TABLE);
                out.printf(Locale.ROOT, "loaded and indexed %d records in %.1f s (info)%n", records.size(),
                        (System.nanoTime() - started) / 1e9);

                float[][] dense = scaledQueries(data.queries());
                double[] recall = new double[2];
                double rows = 0;
                out.println();
                out.println("== Recall@" + TOP_K + " of hybrid queries against the exact hybrid top-" + TOP_K + " ("
                        + dense.length + " queries) ==");
                List<IntFunction<Filter>> filters = List.of(q -> null, q -> Filter.eq("bucket10", q % 10));
                List<IntFunction<IntPredicate>> accepted = List.of(q -> row -> true, q -> row -> row % 10 == q % 10);
                String[] names = {"unfiltered", "10% filter"};
                for (int c = 0; c < 2; c++) {
                    double found = 0;
                    double returned = 0;
                    int short10 = 0;
                    for (int q = 0; q < dense.length; q++) {
                        int[] truth = exactTopK(data.base(), sparse.documents, dense[q], sparse.queries[q],
                                accepted.get(c).apply(q));
                        List<Match> matches = store.query(Query.builder(dense[q]).topK(TOP_K).sparseVector(sparse.queries[q])
                                .filter(filters.get(c).apply(q)).build());
                        found += overlap(truth, matches) / (double) truth.length;
                        returned += matches.size();
                        short10 += matches.size() < truth.length ? 1 : 0;
                    }
                    recall[c] = found / dense.length;
                    if (c == 0) {
                        rows = returned / dense.length;
                    }
                    out.printf(Locale.ROOT, "%-11s recall@10 %.4f   rows/query %.2f   queries short of k: %d%n", names[c],
                            recall[c], returned / dense.length, short10);
                }
                double[] ratios = latency(pool, store, dense, sparse.queries);
                Figures figures = new Figures(recall[0], recall[1], rows, ratios[0], ratios[1]);
                out.println();
                out.printf(Locale.ROOT, "load:      %s (after the run)%n", loadAverage());
                return figures;
            }
        }
    }

    // The dense half of Pinecone's convex hybrid weighting: the sparse half is applied to the query's sparse values.
    private static float[][] scaledQueries(float[][] queries) {
        float[][] scaled = new float[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            scaled[q] = new float[queries[q].length];
            for (int d = 0; d < queries[q].length; d++) {
                scaled[q][d] = (float) (queries[q][d] * ALPHA);
            }
        }
        return scaled;
    }

    // Returns p50(hybrid) / p50(dense only) and p50(hybrid) / p50(hand-written exact hybrid SQL).
    private double[] latency(HikariDataSource pool, VectorStore store, float[][] dense, SparseValues[] sparse)
            throws SQLException {
        out.println();
        out.println("== Latency: top-" + TOP_K + ", " + dense.length + " queries x " + options.latencyRounds()
                + " rounds after a warm-up round; the three take turns going first ==");
        String handWritten = "SELECT id, -(embedding <#> ?::vector) + coalesce((SELECT sum(s.v * q.v)"
                + " FROM unnest(embedding_sparse_indices, embedding_sparse_values) AS s(i, v)"
                + " JOIN unnest(?::int8[], ?::float4[]) AS q(i, v) ON s.i = q.i), 0) AS score"
                + " FROM " + TABLE + " WHERE namespace = '' AND embedding IS NOT NULL ORDER BY score DESC LIMIT " + TOP_K;
        int samples = dense.length * options.latencyRounds();
        long[][] nanos = new long[3][samples];
        try (Connection jdbc = pool.getConnection(); PreparedStatement exact = jdbc.prepareStatement(handWritten)) {
            for (int round = -1; round < options.latencyRounds(); round++) {
                for (int q = 0; q < dense.length; q++) {
                    Query hybrid = Query.builder(dense[q]).topK(TOP_K).sparseVector(sparse[q]).build();
                    Query denseOnly = Query.builder(dense[q]).topK(TOP_K).build();
                    float[] vector = dense[q];
                    SparseValues terms = sparse[q];
                    for (int turn = 0; turn < 3; turn++) {
                        int which = (round + q + turn + 3) % 3;
                        long took = switch (which) {
                            case 0 -> time(() -> store.query(hybrid).size());
                            case 1 -> time(() -> store.query(denseOnly).size());
                            default -> time(() -> handWritten(exact, vector, terms));
                        };
                        if (round >= 0) {
                            nanos[which][round * dense.length + q] = took;
                        }
                    }
                }
            }
        }
        LatencySummary hybrid = LatencySummary.of(nanos[0]);
        LatencySummary denseOnly = LatencySummary.of(nanos[1]);
        LatencySummary exact = LatencySummary.of(nanos[2]);
        out.printf(Locale.ROOT, "VectorStore.query, hybrid                    p50 %7.3f ms  p99 %7.3f ms%n",
                hybrid.p50Millis(), hybrid.p99Millis());
        out.printf(Locale.ROOT, "VectorStore.query, dense only (same vector)  p50 %7.3f ms  p99 %7.3f ms%n",
                denseOnly.p50Millis(), denseOnly.p99Millis());
        out.printf(Locale.ROOT, "hand-written exact hybrid SQL (full scan)     p50 %7.3f ms  p99 %7.3f ms%n",
                exact.p50Millis(), exact.p99Millis());
        double overDense = hybrid.p50Millis() / denseOnly.p50Millis();
        double overExact = hybrid.p50Millis() / exact.p50Millis();
        out.printf(Locale.ROOT, "p50 ratios: hybrid / dense only %.2f, hybrid / hand-written exact SQL %.2f%n", overDense,
                overExact);
        out.printf(Locale.ROOT, "p99 ratios: hybrid / dense only %.2f, hybrid / hand-written exact SQL %.2f%n",
                hybrid.p99Millis() / denseOnly.p99Millis(), hybrid.p99Millis() / exact.p99Millis());
        out.println("the hand-written SQL: " + handWritten);
        return new double[] {overDense, overExact};
    }

    private interface Work {
        int rows() throws SQLException;
    }

    private static long time(Work work) {
        long started = System.nanoTime();
        int rows;
        try {
            rows = work.rows();
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        }
        long took = System.nanoTime() - started;
        if (rows == 0) {
            throw new IllegalStateException("a query returned no rows");
        }
        return took;
    }

    private static int handWritten(PreparedStatement exact, float[] dense, SparseValues sparse) throws SQLException {
        exact.setObject(1, new com.pgvector.PGvector(dense));
        exact.setObject(2, sparse.indices());
        exact.setObject(3, sparse.values());
        int rows = 0;
        try (ResultSet result = exact.executeQuery()) {
            while (result.next()) {
                result.getString(1);
                result.getDouble(2);
                rows++;
            }
        }
        return rows;
    }

    // The exact hybrid top-k among accepted rows: the memory backend's score, ties broken by id as every backend does.
    private static int[] exactTopK(float[][] base, SparseValues[] documents, float[] dense, SparseValues sparse,
                                   IntPredicate rows) {
        PriorityQueue<double[]> heap = new PriorityQueue<>(TOP_K + 1, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0])
                : ("doc-" + (int) b[1]).compareTo("doc-" + (int) a[1]));
        for (int row = 0; row < base.length; row++) {
            if (!rows.test(row)) {
                continue;
            }
            heap.add(new double[] {DistanceMetric.DOTPRODUCT.score(dense, base[row]) + sparse.dot(documents[row]), row});
            if (heap.size() > TOP_K) {
                heap.poll();
            }
        }
        int[] best = new int[heap.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            best[i] = (int) heap.poll()[1];
        }
        return best;
    }

    private static int overlap(int[] expected, List<Match> matches) {
        Set<String> wanted = new HashSet<>();
        Arrays.stream(expected).forEach(row -> wanted.add("doc-" + row));
        return (int) matches.stream().filter(match -> wanted.contains(match.id())).count();
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String loadAverage() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "load average %.2f on %d cores", load, Runtime.getRuntime().availableProcessors());
    }

    /** The sparse side of the data: each document's and each query's BM25-like sparse vector. */
    private record Sparse(SparseValues[] documents, SparseValues[] queries) {

        static Sparse generate(int documentCount, int queryCount, Random random) {
            long[] termIds = new long[VOCABULARY];
            Set<Long> used = new HashSet<>();
            for (int rank = 0; rank < VOCABULARY; rank++) {
                long id;
                do {
                    id = Integer.toUnsignedLong(mix(rank * 0x9E3779B9 + random.nextInt()));
                } while (!used.add(id));
                termIds[rank] = id;
            }
            double[] cumulative = new double[VOCABULARY];
            double total = 0;
            for (int rank = 0; rank < VOCABULARY; rank++) {
                total += rank < STOP_WORDS ? 0 : 1 / Math.pow(rank + 1, ZIPF_EXPONENT);
                cumulative[rank] = total;
            }
            // Term frequencies first (documents repeat terms), then BM25 with the corpus's own statistics.
            List<TreeMap<Integer, Integer>> frequencies = new ArrayList<>(documentCount);
            int[] documentFrequency = new int[VOCABULARY];
            long totalLength = 0;
            for (int d = 0; d < documentCount; d++) {
                TreeMap<Integer, Integer> terms = new TreeMap<>();
                int distinct = 20 + random.nextInt(181);
                int length = 0;
                while (terms.size() < distinct) {
                    terms.merge(draw(cumulative, total, random), 1, Integer::sum);
                    length++;
                }
                terms.keySet().forEach(rank -> documentFrequency[rank]++);
                totalLength += length;
                frequencies.add(terms);
            }
            double averageLength = totalLength / (double) documentCount;
            SparseValues[] documents = new SparseValues[documentCount];
            for (int d = 0; d < documentCount; d++) {
                TreeMap<Long, Float> weights = new TreeMap<>();
                int length = frequencies.get(d).values().stream().mapToInt(Integer::intValue).sum();
                frequencies.get(d).forEach((rank, tf) -> weights.put(termIds[rank],
                        (float) (tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / averageLength)))));
                documents[d] = sparse(weights, 1);
            }
            SparseValues[] queries = new SparseValues[queryCount];
            for (int q = 0; q < queryCount; q++) {
                int terms = 2 + random.nextInt(7);
                Set<Integer> ranks = new HashSet<>();
                while (ranks.size() < terms) {
                    ranks.add(draw(cumulative, total, random));
                }
                TreeMap<Long, Float> weights = new TreeMap<>();
                double idfSum = 0;
                for (int rank : ranks) {
                    double idf = Math.log((documentCount - documentFrequency[rank] + 0.5) / (documentFrequency[rank] + 0.5) + 1);
                    weights.put(termIds[rank], (float) idf);
                    idfSum += idf;
                }
                queries[q] = sparse(weights, (1 - ALPHA) / idfSum);
            }
            return new Sparse(documents, queries);
        }

        private static int draw(double[] cumulative, double total, Random random) {
            int found = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            int rank = found >= 0 ? found : -found - 1;
            return Math.max(STOP_WORDS, Math.min(VOCABULARY - 1, rank));
        }

        private static SparseValues sparse(TreeMap<Long, Float> weights, double scale) {
            long[] indices = weights.keySet().stream().mapToLong(Long::longValue).toArray();
            float[] values = new float[indices.length];
            int i = 0;
            for (float value : weights.values()) {
                values[i++] = (float) (value * scale);
            }
            return SparseValues.of(indices, values);
        }

        // A 32-bit finalizer (MurmurHash3's), standing in for an encoder's token hash.
        private static int mix(int h) {
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            h *= 0xc2b2ae35;
            h ^= h >>> 16;
            return h;
        }

        double averageTerms(SparseValues[] vectors) {
            return Arrays.stream(vectors).mapToInt(SparseValues::size).average().orElse(0);
        }

        double shareAboveBillion() {
            long above = 0;
            long all = 0;
            for (SparseValues document : documents) {
                for (long index : document.indices()) {
                    above += index > 1_000_000_000L ? 1 : 0;
                    all++;
                }
            }
            return above / (double) all;
        }
    }
}
