package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Runs the same queries on two backends (Pinecone and pgvector, before switching {@code VECTOR_BACKEND}) and reports
 * each one's latency percentiles and rows returned, how far their top-k answers overlap, and, because overlap alone
 * cannot say which side is wrong, the recall of each against {@link GroundTruth exact search}.
 *
 * <pre>{@code
 * QuerySet queries = QuerySet.of(QueryVectors.fromStoredRecords(pgvector, 100, 1), 10);
 * BenchmarkReport report = BackendBenchmark.builder(pinecone, pgvector, GroundTruth.pgvector(pgvector))
 *         .queries(queries).build().run();
 * }</pre>
 *
 * <p>All exact answers are computed first. Then queries run one at a time; for each query the two backends take turns
 * going first, so neither profits from the other warming a shared cache. The first {@link Builder#warmupQueries}
 * queries run once unmeasured on both. Reads only: on Pinecone, each query costs its usual read units.
 */
public final class BackendBenchmark {

    private final VectorStore first;
    private final VectorStore second;
    private final GroundTruth truth;
    private final QuerySet queries;
    private final int warmupQueries;

    private BackendBenchmark(Builder builder) {
        this.first = builder.first;
        this.second = builder.second;
        this.truth = builder.truth;
        this.queries = builder.queries;
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
        // A full scan between two timed queries would warm or flush caches under them.
        List<Answers.Expected> expected = queries.queries().stream().map(query -> Answers.expected(truth, query, queries)).toList();
        for (BenchmarkQuery query : queries.first(warmupQueries)) {
            first.query(Answers.request(query, queries));
            second.query(Answers.request(query, queries));
        }
        Side one = new Side(first, queries);
        Side two = new Side(second, queries);
        double overlap = 0;
        for (int i = 0; i < queries.size(); i++) {
            BenchmarkQuery query = queries.queries().get(i);
            List<String> a;
            List<String> b;
            if (i % 2 == 0) {
                a = one.ask(query, expected.get(i));
                b = two.ask(query, expected.get(i));
            } else {
                b = two.ask(query, expected.get(i));
                a = one.ask(query, expected.get(i));
            }
            overlap += Answers.overlap(a, b);
        }
        return new BenchmarkReport(queries.size(), queries.topK(), queries.filterJson(), List.of(one.result(), two.result()),
                overlap / queries.size(), warnings, Duration.ofNanos(System.nanoTime() - started));
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
        private final QuerySet queries;
        private final long[] nanos;
        private int answered;
        private double recall;
        private long rows;
        private long expectedRows;

        Side(VectorStore store, QuerySet queries) {
            this.store = store;
            this.queries = queries;
            this.nanos = new long[queries.size()];
        }

        List<String> ask(BenchmarkQuery query, Answers.Expected exact) {
            Query request = Answers.request(query, queries);
            long started = System.nanoTime();
            List<Match> matches = store.query(request);
            nanos[answered++] = System.nanoTime() - started;
            List<String> ids = Answers.ids(matches, query, queries.topK());
            recall += Answers.recall(ids, exact);
            rows += ids.size();
            expectedRows += exact.topK().size();
            return ids;
        }

        BenchmarkReport.BackendResult result() {
            return new BenchmarkReport.BackendResult(store.backend(), store.namespace(), LatencySummary.of(nanos),
                    recall / answered, (double) rows / answered, (double) expectedRows / answered);
        }
    }

    /** Configures a {@link BackendBenchmark}; {@link #build()} validates. */
    public static final class Builder {
        private final VectorStore first;
        private final VectorStore second;
        private final GroundTruth truth;
        private QuerySet queries;
        private int warmupQueries = 10;

        private Builder(VectorStore first, VectorStore second, GroundTruth truth) {
            this.first = Objects.requireNonNull(first, "first");
            this.second = Objects.requireNonNull(second, "second");
            this.truth = Objects.requireNonNull(truth, "truth");
        }

        /** The queries to run on both backends. */
        public Builder queries(QuerySet queries) {
            this.queries = Objects.requireNonNull(queries, "queries");
            return this;
        }

        /** How many of the queries first run once unmeasured on both backends (default 10). */
        public Builder warmupQueries(int warmupQueries) {
            this.warmupQueries = warmupQueries;
            return this;
        }

        /** The benchmark. */
        public BackendBenchmark build() {
            if (queries == null) {
                throw new IllegalArgumentException("queries: give the queries to run (a QuerySet)");
            }
            if (warmupQueries < 0) {
                throw new IllegalArgumentException("warmupQueries must not be negative, was " + warmupQueries);
            }
            return new BackendBenchmark(this);
        }
    }
}
