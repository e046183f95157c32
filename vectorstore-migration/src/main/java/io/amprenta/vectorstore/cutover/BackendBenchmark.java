package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the same queries on two backends (Pinecone and pgvector, before switching {@code VECTOR_BACKEND}) and reports
 * each one's latency percentiles and rows returned, how far their top-k answers overlap, and, because overlap alone
 * cannot say which side is wrong, the recall of each against {@link GroundTruth exact search}.
 *
 * <pre>{@code
 * BenchmarkReport report = BackendBenchmark.builder(pinecone, pgvector, GroundTruth.pgvector(pgvector))
 *         .queries(QueryVectors.fromStoredRecords(pgvector, 100, 1)).topK(10).build().run();
 * }</pre>
 *
 * <p>Queries run one at a time; for each query the two backends take turns going first, so neither profits from the
 * other warming a shared cache. The first {@link Builder#warmupQueries} queries run once unmeasured on both. Reads
 * only: on Pinecone, each query costs its usual read units.
 */
public final class BackendBenchmark {

    /** The largest top-k measured: exact search asks for twice as many, to see ties. */
    public static final int MAX_TOP_K = 1_000;

    private final VectorStore first;
    private final VectorStore second;
    private final GroundTruth truth;
    private final List<BenchmarkQuery> queries;
    private final int topK;
    private final Filter filter;
    private final int warmupQueries;

    private BackendBenchmark(Builder builder) {
        this.first = builder.first;
        this.second = builder.second;
        this.truth = builder.truth;
        this.queries = builder.queries;
        this.topK = builder.topK;
        this.filter = builder.filter;
        this.warmupQueries = builder.warmupQueries;
    }

    /** Starts configuring a comparison of {@code first} and {@code second}, recall measured against {@code truth}. */
    public static Builder builder(VectorStore first, VectorStore second, GroundTruth truth) {
        return new Builder(first, second, truth);
    }

    /** Runs every query on both backends and on the ground truth. */
    public BenchmarkReport run() {
        long started = System.nanoTime();
        List<String> warnings = metricWarnings();
        for (BenchmarkQuery query : queries.subList(0, Math.min(warmupQueries, queries.size()))) {
            Query request = Answers.request(query, topK, filter);
            first.query(request);
            second.query(request);
        }
        // All exact answers first: a full scan between two timed queries would warm or flush caches under them.
        List<Answers.Expected> expected = queries.stream().map(query -> Answers.expected(truth, query, topK, filter)).toList();
        Side one = new Side(first, queries.size(), topK);
        Side two = new Side(second, queries.size(), topK);
        double overlap = 0;
        for (int i = 0; i < queries.size(); i++) {
            BenchmarkQuery query = queries.get(i);
            Query request = Answers.request(query, topK, filter);
            Answers.Expected exact = expected.get(i);
            List<String> a;
            List<String> b;
            if (i % 2 == 0) {
                a = one.ask(request, query, exact);
                b = two.ask(request, query, exact);
            } else {
                b = two.ask(request, query, exact);
                a = one.ask(request, query, exact);
            }
            overlap += Answers.overlap(a, b);
        }
        int count = Math.max(1, queries.size());
        return new BenchmarkReport(queries.size(), topK, filter == null ? null : filter.toJson(),
                List.of(one.result(), two.result()), overlap / count, warnings, Duration.ofNanos(System.nanoTime() - started));
    }

    // Different metrics rank differently: the comparison would measure the configuration, not the backends.
    private List<String> metricWarnings() {
        StoreStats a = first.stats();
        StoreStats b = second.stats();
        if (a.metric() == b.metric()) {
            return List.of();
        }
        return List.of(first.backend() + " uses the " + a.metric().configName() + " metric and " + second.backend() + " the "
                + b.metric().configName() + " metric: their rankings differ by design. Set PGVECTOR_METRIC to the index's metric.");
    }

    /** One backend's measurements. */
    private static final class Side {
        private final VectorStore store;
        private final long[] nanos;
        private final int topK;
        private int answered;
        private double recall;
        private long rows;
        private long expectedRows;

        Side(VectorStore store, int queries, int topK) {
            this.store = store;
            this.nanos = new long[queries];
            this.topK = topK;
        }

        List<String> ask(Query request, BenchmarkQuery query, Answers.Expected exact) {
            long started = System.nanoTime();
            List<Match> matches = store.query(request);
            nanos[answered++] = System.nanoTime() - started;
            List<String> ids = Answers.ids(matches, query, topK);
            recall += Answers.recall(ids, exact);
            rows += ids.size();
            expectedRows += exact.topK().size();
            return ids;
        }

        BenchmarkReport.BackendResult result() {
            int count = Math.max(1, answered);
            return new BenchmarkReport.BackendResult(store.backend(), store.namespace(), LatencySummary.of(nanos),
                    recall / count, (double) rows / count, (double) expectedRows / count);
        }
    }

    /** Configures a {@link BackendBenchmark}; {@link #build()} validates. */
    public static final class Builder {
        private final VectorStore first;
        private final VectorStore second;
        private final GroundTruth truth;
        private List<BenchmarkQuery> queries = List.of();
        private int topK = Query.DEFAULT_TOP_K;
        private Filter filter;
        private int warmupQueries = 10;

        private Builder(VectorStore first, VectorStore second, GroundTruth truth) {
            this.first = Objects.requireNonNull(first, "first");
            this.second = Objects.requireNonNull(second, "second");
            this.truth = Objects.requireNonNull(truth, "truth");
        }

        /** The query vectors (see {@link QueryVectors}); at least one. */
        public Builder queries(List<BenchmarkQuery> queries) {
            this.queries = List.copyOf(queries);
            return this;
        }

        /** How many matches each query asks for (default 10). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** A metadata filter every query carries; null (the default) for none. */
        public Builder filter(Filter filter) {
            this.filter = filter;
            return this;
        }

        /** How many of the queries first run once unmeasured on both backends (default 10). */
        public Builder warmupQueries(int warmupQueries) {
            this.warmupQueries = warmupQueries;
            return this;
        }

        /** The benchmark. */
        public BackendBenchmark build() {
            if (queries.isEmpty()) {
                throw new IllegalArgumentException("queries: give at least one query vector");
            }
            if (topK < 1 || topK > MAX_TOP_K) {
                throw new IllegalArgumentException("topK must be between 1 and " + MAX_TOP_K + ", was " + topK);
            }
            if (warmupQueries < 0) {
                throw new IllegalArgumentException("warmupQueries must not be negative, was " + warmupQueries);
            }
            return new BackendBenchmark(this);
        }
    }
}
