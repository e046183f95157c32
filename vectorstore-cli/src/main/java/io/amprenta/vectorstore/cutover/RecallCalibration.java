package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Finds the smallest {@code hnsw.ef_search} (and, for filtered queries, the iterative-scan mode) with which a pgvector
 * store meets a recall target: measures recall@k against exact search for increasing ef_search and stops at the first
 * value that meets it (its 95 % lower confidence bound does, see {@link CalibrationReport.Trial#recallLowerBound()}),
 * for each mode tried. Of the settings that meet the target the fastest (by median latency) is
 * chosen, and {@link CalibrationReport#configurationLine()} is the line to paste into the configuration.
 *
 * <pre>{@code
 * PgVectorSettings settings = PgVectorSettings.fromConfig(config);
 * CalibrationReport report = RecallCalibration
 *         .builder(settings, s -> PgVectorStore.builder().config(config).settings(s).build())
 *         .queries(QuerySet.of(questions, 10)).targetRecall(0.95).build().run();
 * }</pre>
 *
 * <p>Each setting is measured on a store of its own, built by the given factory from the base settings with only
 * {@code efSearch} and {@code iterativeScan} changed, so the figures are those of the store an application would run.
 * Exact answers are computed once, in the base settings' namespace. Reads only.
 */
public final class RecallCalibration {

    /** The ef_search values tried by default, smallest first; values below top-k are skipped (top-k is the floor). */
    public static final List<Integer> DEFAULT_EF_SEARCH = List.of(10, 20, 40, 64, 80, 100, 128, 160, 200, 256, 320, 400, 500,
            640, 800, PgVectorSettings.MAX_EF_SEARCH);

    private final PgVectorSettings base;
    private final Function<PgVectorSettings, VectorStore> stores;
    private final QuerySet queries;
    private final double targetRecall;
    private final List<Integer> efSearchValues;
    private final List<IterativeScan> iterativeScans;
    private final int warmupQueries;
    private final Duration timeLimit;

    private RecallCalibration(Builder builder) {
        this.base = builder.base;
        this.stores = builder.stores;
        this.queries = builder.queries;
        this.targetRecall = builder.targetRecall;
        this.efSearchValues = builder.efSearchValues.stream().filter(ef -> ef >= builder.queries.topK()).sorted().distinct().toList();
        this.iterativeScans = builder.iterativeScans != null ? builder.iterativeScans
                : builder.queries.filter() == null ? List.of(builder.base.iterativeScan())
                : List.of(IterativeScan.RELAXED_ORDER, IterativeScan.STRICT_ORDER);
        this.warmupQueries = builder.warmupQueries;
        this.timeLimit = builder.timeLimit;
    }

    /**
     * Starts configuring a calibration of stores made by {@code stores} from {@code base} with other ef_search and
     * iterative-scan values (e.g. {@code s -> PgVectorStore.builder().config(config).settings(s).build()}); the
     * calibration closes each store it makes.
     */
    public static Builder builder(PgVectorSettings base, Function<PgVectorSettings, VectorStore> stores) {
        return new Builder(base, stores);
    }

    /** Measures and chooses. */
    public CalibrationReport run() {
        long started = System.nanoTime();
        List<Answers.Expected> exact = exactAnswers();
        // The limit bounds the trials only: on a large table the exact answers alone can take minutes, and a limit
        // that counted them would leave time for the smallest ef_search and nothing else.
        long trialsStarted = System.nanoTime();
        List<CalibrationReport.Trial> trials = new ArrayList<>();
        for (IterativeScan scan : iterativeScans) {
            for (int efSearch : efSearchValues) {
                if (timeLimit != null && !trials.isEmpty() && System.nanoTime() - trialsStarted > timeLimit.toNanos()) {
                    break; // out of time: what was measured so far is reported, the untried values are not
                }
                CalibrationReport.Trial trial = measure(efSearch, scan, exact);
                trials.add(trial);
                if (trial.meets(targetRecall)) {
                    break; // larger values only cost time
                }
            }
        }
        CalibrationReport.Trial chosen = trials.stream().filter(trial -> trial.meets(targetRecall))
                .min(Comparator.comparingDouble(trial -> trial.latency().p50Millis())).orElse(null);
        return new CalibrationReport(targetRecall, queries.size(), queries.topK(), queries.filterJson(), base.namespace(),
                trials, chosen, Duration.ofNanos(System.nanoTime() - started));
    }

    private List<Answers.Expected> exactAnswers() {
        try (VectorStore store = stores.apply(base)) {
            GroundTruth truth = GroundTruth.pgvector(store);
            return queries.queries().stream().map(query -> Answers.expected(truth, query, queries)).toList();
        }
    }

    private CalibrationReport.Trial measure(int efSearch, IterativeScan scan, List<Answers.Expected> exact) {
        PgVectorSettings settings = base.toBuilder().efSearch(efSearch).iterativeScan(scan).build();
        try (VectorStore store = stores.apply(settings)) {
            for (BenchmarkQuery query : queries.first(warmupQueries)) {
                store.query(Answers.request(query, queries));
            }
            long[] nanos = new long[queries.size()];
            double[] recalls = new double[queries.size()];
            long rows = 0;
            for (int i = 0; i < queries.size(); i++) {
                BenchmarkQuery query = queries.queries().get(i);
                Query request = Answers.request(query, queries);
                long queryStarted = System.nanoTime();
                List<Match> matches = store.query(request);
                nanos[i] = System.nanoTime() - queryStarted;
                List<String> ids = Answers.ids(matches, query, queries.topK());
                recalls[i] = Answers.recall(ids, exact.get(i));
                rows += ids.size();
            }
            double mean = Arrays.stream(recalls).average().orElse(0);
            double variance = recalls.length < 2 ? 0
                    : Arrays.stream(recalls).map(r -> (r - mean) * (r - mean)).sum() / (recalls.length - 1);
            double lowerBound = Math.max(0, mean - 1.645 * Math.sqrt(variance / recalls.length));
            return new CalibrationReport.Trial(efSearch, scan, mean, lowerBound, (double) rows / queries.size(),
                    LatencySummary.of(nanos));
        }
    }

    /** Configures a {@link RecallCalibration}; {@link #build()} validates. */
    public static final class Builder {
        private final PgVectorSettings base;
        private final Function<PgVectorSettings, VectorStore> stores;
        private QuerySet queries;
        private double targetRecall = 0.95;
        private List<Integer> efSearchValues = DEFAULT_EF_SEARCH;
        private List<IterativeScan> iterativeScans;
        private int warmupQueries = 10;
        private Duration timeLimit;

        private Builder(PgVectorSettings base, Function<PgVectorSettings, VectorStore> stores) {
            this.base = Objects.requireNonNull(base, "base");
            this.stores = Objects.requireNonNull(stores, "stores");
        }

        /** The queries, with the k of recall@k and the application's filter, if it uses one. */
        public Builder queries(QuerySet queries) {
            this.queries = Objects.requireNonNull(queries, "queries");
            return this;
        }

        /** The recall@k to reach, above 0 and at most 1 (default 0.95). */
        public Builder targetRecall(double targetRecall) {
            this.targetRecall = targetRecall;
            return this;
        }

        /** The ef_search values to try (default {@link #DEFAULT_EF_SEARCH}); each between 1 and 1,000. */
        public Builder efSearchValues(List<Integer> efSearchValues) {
            this.efSearchValues = List.copyOf(efSearchValues);
            return this;
        }

        /**
         * The iterative-scan modes to try (default: with a filter relaxed and strict order, without one the base
         * settings' mode, which then matters only for namespaces sharing the table).
         */
        public Builder iterativeScans(List<IterativeScan> iterativeScans) {
            this.iterativeScans = List.copyOf(iterativeScans);
            return this;
        }

        /** How many of the queries run unmeasured on each store first (default 10). */
        public Builder warmupQueries(int warmupQueries) {
            this.warmupQueries = warmupQueries;
            return this;
        }

        /**
         * How long to keep trying larger ef_search values once the exact answers are known (default: no limit). The
         * setting being measured when the limit passes is finished; settings not tried by then are left out of the report.
         */
        public Builder timeLimit(Duration timeLimit) {
            if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("timeLimit must be positive, was " + timeLimit);
            }
            this.timeLimit = timeLimit;
            return this;
        }

        /** The calibration. */
        public RecallCalibration build() {
            if (queries == null) {
                throw new IllegalArgumentException("queries: give the queries to measure (a QuerySet)");
            }
            if (!(targetRecall > 0 && targetRecall <= 1)) {
                throw new IllegalArgumentException("targetRecall must be above 0 and at most 1, was " + targetRecall);
            }
            for (int ef : efSearchValues) {
                if (ef < 1 || ef > PgVectorSettings.MAX_EF_SEARCH) {
                    throw new IllegalArgumentException("efSearchValues must lie between 1 and " + PgVectorSettings.MAX_EF_SEARCH
                            + ", found " + ef);
                }
            }
            if (efSearchValues.stream().noneMatch(ef -> ef >= queries.topK())) {
                throw new IllegalArgumentException("efSearchValues: none is at least topK (" + queries.topK()
                        + "), so there is nothing to try");
            }
            if (iterativeScans != null && iterativeScans.isEmpty()) {
                throw new IllegalArgumentException("iterativeScans: give at least one mode");
            }
            if (warmupQueries < 0) {
                throw new IllegalArgumentException("warmupQueries must not be negative, was " + warmupQueries);
            }
            return new RecallCalibration(this);
        }
    }
}
