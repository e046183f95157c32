package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.cutover.CalibrationReport;
import io.amprenta.vectorstore.cutover.QuerySet;
import io.amprenta.vectorstore.cutover.QueryVectors;
import io.amprenta.vectorstore.cutover.RecallCalibration;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.ShardServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The calibration {@code migrate} and {@code schema upgrade} run when they leave a populated, indexed table: what
 * {@code calibrate --save} does with its defaults (held-out queries, top-k 10, unfiltered, the recall target
 * {@code PGVECTOR_TARGET_RECALL}), on the table's largest namespace, bounded in time, and skipped on tables too small
 * for it to matter. The chosen setting (or, when none meets the target, the best one, which health then reports) is stored
 * where every store on the table picks it up.
 */
final class AfterLoadCalibration {

    /** Below this many embedded rows calibration is skipped: the default ef_search finds nearly every neighbour. */
    static final long MIN_ROWS = 10_000;
    static final int QUERIES = 100;
    static final int TOP_K = 10;
    /** How long larger ef_search values are tried (the exact answers come first, and one setting always finishes). */
    static final Duration TIME_LIMIT = Duration.ofMinutes(3);
    private static final String OPT_OUT = " (--no-calibrate skips this step)";

    private AfterLoadCalibration() {
    }

    /**
     * Calibrates the table {@code config} names and prints what was chosen, or why nothing was. Never fails the
     * command that ran it: the load is done, and {@code vectorstore calibrate --save} can be run again by hand.
     */
    static void run(VectorStoreConfig config, Output output) {
        try {
            calibrate(config, output);
        } catch (VectorStoreException | IllegalArgumentException e) {
            output.line("Calibration failed: " + e.getMessage() + ". The data is in place; run `vectorstore calibrate --save`"
                    + " to try again.");
        }
    }

    private static void calibrate(VectorStoreConfig config, Output output) {
        PgVectorSettings configured = PgVectorSettings.fromConfig(config);
        Map<String, Long> counts;
        boolean indexed;
        List<ShardServer> shards;
        try (VectorStore store = PgVectorStore.builder().config(config)
                .settings(configured.toBuilder().poolSize(CalibrateCommand.POOL_SIZE).build()).build()) {
            counts = store.stats().namespaceCounts();
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            shards = table.shardServers();
            // A sharded table's indexes are its shards' (ARCHITECTURE.md, "Shards").
            indexed = !shards.isEmpty() || table.vectorIndex().isPresent();
        }
        long rows = counts.values().stream().mapToLong(Long::longValue).sum();
        if (!indexed) {
            output.line("Calibration skipped: " + configured.qualifiedTable() + " has no vector index yet; build it, then run"
                    + " `vectorstore calibrate --save`.");
            return;
        }
        if (rows < MIN_ROWS) {
            output.line(String.format("Calibration skipped: %s holds %,d embedded rows, fewer than %,d; on a table this small"
                    + " the default ef_search finds nearly every neighbour. Run `vectorstore calibrate --save` once it has"
                    + " grown.", configured.qualifiedTable(), rows, MIN_ROWS));
            return;
        }
        // The largest namespace: it has the most neighbours to miss, and the most stored vectors to derive queries from.
        String namespace = counts.entrySet().stream().max(Comparator.comparingLong(Map.Entry::getValue)).orElseThrow().getKey();
        VectorStoreConfig inNamespace = config.with(PgVectorSettings.NAMESPACE.key(), namespace);
        PgVectorSettings base = PgVectorSettings.fromConfig(inNamespace).toBuilder().poolSize(CalibrateCommand.POOL_SIZE).build();
        QuerySet queries;
        try (VectorStore store = PgVectorStore.builder().config(inNamespace).settings(base).build()) {
            queries = new QuerySet(QueryVectors.heldOut(store, QUERIES, 1), TOP_K, null);
        }
        output.line(String.format("Calibrating %s for recall@%d >= %.3f on %,d rows (%d held-out queries in namespace '%s',"
                + " at most %d min)%s ...", base.qualifiedTable(), TOP_K, base.targetRecall(), rows, QUERIES, namespace,
                TIME_LIMIT.toMinutes(), OPT_OUT));
        if (!shards.isEmpty()) {
            ShardedCalibration.run(inNamespace, base, shards, queries, base.targetRecall(), RecallCalibration.DEFAULT_EF_SEARCH,
                    TIME_LIMIT, true, output);
            return;
        }
        CalibrationReport report = RecallCalibration.builder(base,
                        settings -> PgVectorStore.builder().config(inNamespace).settings(settings).build())
                .queries(queries).targetRecall(base.targetRecall()).timeLimit(TIME_LIMIT).build().run();
        if (!report.met()) {
            CalibrationReport.Trial best = report.best();
            output.line(String.format("Calibration did not meet recall@%d >= %.3f within %s (best %.3f with %s);"
                    + " `vectorstore calibrate --save` tries larger ef_search values without a time limit.", TOP_K,
                    base.targetRecall(), ProgressDisplay.format(report.elapsed()), best.recall(), best.configuration()));
        }
        CalibrateCommand.save(inNamespace, base, report, output);
    }
}
