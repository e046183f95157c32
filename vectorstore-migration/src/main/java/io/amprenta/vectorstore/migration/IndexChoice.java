package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses what a run does with the target's vector index ({@link IndexDecision}) and estimates what each path costs.
 * The rule (ARCHITECTURE.md, "Index strategy"): an explicit strategy wins; an index an earlier run dropped stays
 * dropped until this run's end; otherwise the index is deferred only when the table is being filled rather than
 * served, i.e. it holds few embedded rows against what is to be copied and its index served no scan lately. Any sign of
 * readers keeps it: a correct, indexed answer for them beats a faster load.
 */
final class IndexChoice {

    /** A table already holding this share of the rows to copy may be serving an application: the index is kept. */
    static final double SERVED_SHARE = 0.10;
    /** How long the index's scan counter is watched when it has served scans before. */
    static final Duration SCAN_WINDOW = Duration.ofSeconds(3);

    // The cost model, measured with MigrationBenchmark ("Migration into an indexed table", docs/benchmarks.md) for
    // 384 dimensions and ef_construction 64 on 2 cores; one row's insertion or build work grows about linearly with
    // the dimension (distance computations) and with ef_construction (candidates visited).
    static final double KEPT_ROWS_PER_SECOND = 424;
    static final double BUILD_ROWS_PER_SECOND = 2_000;
    private static final int MODEL_DIMENSION = 384;
    private static final int MODEL_EF_CONSTRUCTION = 64;

    private IndexChoice() {
    }

    /**
     * The decision for a run about to copy {@code rowsToCopy} rows at {@code copyRowsPerSecond} (the plan's rate).
     */
    static IndexDecision decide(IndexStrategy requested, Optional<IndexedTarget> indexed, long rowsToCopy,
                                double copyRowsPerSecond) {
        if (indexed.isEmpty()) {
            return new IndexDecision(requested, false, Optional.empty(), "the target maintains its own index", List.of(),
                    Optional.empty());
        }
        IndexedTarget target = indexed.get();
        IndexedTarget.IndexState state = target.indexState();
        Costs estimates = Costs.of(state, rowsToCopy, copyRowsPerSecond);
        if (!state.deferredIndexes().isEmpty()) {
            return decision(requested, true, Optional.of(String.join(", ", names(state.deferredIndexes()))),
                    "an earlier run dropped it to load faster (its definition is recorded in vectorstore_deferred_index);"
                            + " this run rebuilds it as it was when the copy completes", estimates);
        }
        if (state.servingIndex().isEmpty()) {
            return decision(requested, requested == IndexStrategy.DEFER, Optional.empty(),
                    requested == IndexStrategy.DEFER ? "--defer-index builds the library's HNSW index once the copy completes"
                            : "no vector index serves the configured metric, so none is maintained during the copy",
                    estimates);
        }
        Optional<String> index = state.servingIndex();
        return switch (requested) {
            case KEEP -> decision(requested, false, index, "asked for (--keep-index)", estimates);
            case DEFER -> decision(requested, true, index, "asked for (--defer-index); queries scan the table"
                    + " until the rebuild", estimates);
            case AUTO -> automatic(target, state, rowsToCopy, estimates);
        };
    }

    private static IndexDecision automatic(IndexedTarget target, IndexedTarget.IndexState state, long rowsToCopy,
                                           Costs estimates) {
        Optional<String> index = state.servingIndex();
        String tail = "; --defer-index or --keep-index decides otherwise";
        if (rowsToCopy == 0) {
            return decision(IndexStrategy.AUTO, false, index, "nothing is left to copy" + tail, estimates);
        }
        if (state.embeddedRows() >= SERVED_SHARE * rowsToCopy) {
            return decision(IndexStrategy.AUTO, false, index, String.format(Locale.ROOT, "the table already holds"
                    + " %,d embedded rows (at least %.0f %% of the %,d to copy), so an application may be reading it, and"
                    + " without the index its queries would scan the table%s", state.embeddedRows(), SERVED_SHARE * 100,
                    rowsToCopy, tail), estimates);
        }
        long scans = target.indexScans(index.get());
        if (scans > 0) {
            long later = scansAfter(target, index.get());
            if (later > scans) {
                return decision(IndexStrategy.AUTO, false, index, String.format(Locale.ROOT, "the index served %,d"
                        + " scans in %d s: an application reads the table%s", later - scans, SCAN_WINDOW.toSeconds(), tail),
                        estimates);
            }
            return decision(IndexStrategy.AUTO, true, index, String.format(Locale.ROOT, "the table is being filled,"
                    + " not served: %,d embedded rows against %,d to copy, and the index served no scan in %d s (%,d since"
                    + " the statistics were reset)%s", state.embeddedRows(), rowsToCopy, SCAN_WINDOW.toSeconds(), scans, tail),
                    estimates);
        }
        return decision(IndexStrategy.AUTO, true, index, String.format(Locale.ROOT, "the table is being filled, not"
                + " served: %,d embedded rows against %,d to copy, and the index has never served a scan (idx_scan 0)%s",
                state.embeddedRows(), rowsToCopy, tail), estimates);
    }

    private static IndexDecision decision(IndexStrategy requested, boolean defer, Optional<String> index, String reason,
                                          Costs costs) {
        boolean indexed = index.isPresent() || defer;
        return new IndexDecision(requested, defer, index, reason, indexed ? costs.lines() : List.of(),
                indexed ? Optional.of(time(defer ? costs.deferSeconds() : costs.keepSeconds())) : Optional.empty());
    }

    private static long scansAfter(IndexedTarget target, String index) {
        try {
            Thread.sleep(SCAN_WINDOW.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Interrupted while watching: no evidence of no readers, so the caller keeps the index.
            return Long.MAX_VALUE;
        }
        return target.indexScans(index);
    }

    // "CREATE INDEX name ON ..." -> name
    private static List<String> names(List<String> definitions) {
        List<String> names = new ArrayList<>();
        for (String definition : definitions) {
            String[] words = definition.split("\\s+");
            names.add(words.length > 2 ? words[2] : definition);
        }
        return names;
    }

    /**
     * What each path costs. Keeping: each row is inserted into the HNSW graph, at the model's rate scaled to the index;
     * the copy itself runs alongside. Deferring: the copy at the plan's rate, then one build over every embedded row.
     */
    record Costs(double keepSeconds, double deferSeconds, List<String> lines) {

        static Costs of(IndexedTarget.IndexState state, long rowsToCopy, double copyRowsPerSecond) {
            double scale = (double) MODEL_DIMENSION / state.dimension() * MODEL_EF_CONSTRUCTION / state.efConstruction();
            double kept = KEPT_ROWS_PER_SECOND * scale;
            double build = BUILD_ROWS_PER_SECOND * scale;
            double copySeconds = rowsToCopy / copyRowsPerSecond;
            double keepSeconds = Math.max(copySeconds, rowsToCopy / kept);
            double deferSeconds = copySeconds + (state.embeddedRows() + rowsToCopy) / build;
            return new Costs(keepSeconds, deferSeconds, List.of(
                    String.format(Locale.ROOT, "keeping the index: %,d rows inserted into the HNSW graph one by one at about %,.0f"
                            + " rows/s, %s", rowsToCopy, kept, duration(keepSeconds)),
                    String.format(Locale.ROOT, "deferring it: the copy (%s) and one build over %,d rows at about %,.0f rows/s,"
                            + " %s in all, during which queries scan the table", duration(copySeconds),
                            state.embeddedRows() + rowsToCopy, build, duration(deferSeconds)),
                    String.format(Locale.ROOT, "model: %,.0f rows/s kept and %,.0f rows/s built, measured for %d dimensions and"
                            + " ef_construction %d on 2 cores (docs/benchmarks.md, \"Migration into an indexed table\"), scaled"
                            + " to %d dimensions and ef_construction %d", KEPT_ROWS_PER_SECOND, BUILD_ROWS_PER_SECOND,
                            MODEL_DIMENSION, MODEL_EF_CONSTRUCTION, state.dimension(), state.efConstruction())));
        }
    }

    static Duration time(double seconds) {
        return Duration.ofSeconds((long) Math.ceil(seconds));
    }

    private static String duration(double seconds) {
        Duration d = time(seconds);
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
                : d.toMinutes() > 0 ? String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart())
                : d.toSeconds() + "s";
    }
}
