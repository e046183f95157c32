package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.cutover.CalibrationReport;
import io.amprenta.vectorstore.cutover.QuerySet;
import io.amprenta.vectorstore.cutover.RecallCalibration;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SearchCalibration;
import io.amprenta.vectorstore.pgvector.ShardServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vectorstore calibrate}: the smallest ef_search that meets a recall target, as configuration to paste or, with
 * {@code --save}, stored in the database for every store on the table.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, description = {
    "Measure recall@k of the pgvector store against exact search for increasing PGVECTOR_EF_SEARCH (and, with",
    "--filter, both iterative-scan modes) on queries that are not stored vectors, and print the fastest setting that",
    "meets --target-recall. With --save, store it in the database, where every store on the table uses it (unless",
    "PGVECTOR_EF_SEARCH is set); when none meets it, the one with the best recall, and health reports DEGRADED.",
    "Otherwise reads only. On a table sharded across servers, each shard is measured on its own server (reached",
    "through the coordinator's foreign servers and user mappings), --save sets each shard's ef_search in its foreign",
    "server's options, and recall is then measured once through the coordinator.",
    "Exit codes: 0 target met (on every shard), 3 configuration, 4 no setting met the target (on some shard)."})
final class CalibrateCommand implements Callable<Integer> {

    // Settings are measured one after another: a store needs no more connections than this.
    static final int POOL_SIZE = 2;

    @ParentCommand
    private VectorstoreCli cli;

    @Mixin
    private QueryOptions options;

    @Option(names = "--target-recall", description = "The recall@k to reach (default: PGVECTOR_TARGET_RECALL, 0.95 unless set).")
    private Double targetRecall;

    @Option(names = "--save", description = {"Store the chosen setting in the database (for filtered queries with --filter),",
        "where every store on the table picks it up within 30 seconds."})
    private boolean save;

    @Option(names = "--ef-search", split = ",", description = "The ef_search values to try, e.g. 40,80,160 (default: 10 to 1000).")
    private List<Integer> efSearch = RecallCalibration.DEFAULT_EF_SEARCH;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        Output output = cli.output(json);
        VectorStoreConfig config = options.namespace == null ? cli.config()
                : cli.config().with(PgVectorSettings.NAMESPACE.key(), options.namespace);
        PgVectorSettings base = PgVectorSettings.fromConfig(config).toBuilder().poolSize(POOL_SIZE).build();
        double target = targetRecall != null ? targetRecall : base.targetRecall();
        if (!(target > 0 && target <= 1)) {
            throw options.usage("--target-recall: targetRecall must be above 0 and at most 1, was " + target);
        }
        QuerySet queries;
        List<ShardServer> shards;
        try (VectorStore store = PgVectorStore.builder().config(config).settings(base).build()) {
            queries = options.querySet(store, true);
            shards = store.unwrap(PgVectorTable.class).shardServers();
        }
        if (!shards.isEmpty()) {
            // A session setting on the coordinator never reaches a shard: each is measured on its own server
            // (ARCHITECTURE.md, "Calibration").
            output.info("Calibrating " + base.qualifiedTable() + ", sharded over " + shards.size() + " servers, shard by shard"
                    + " for recall@" + options.topK + " >= " + target + ": " + options.describe(queries) + " ...");
            ShardedCalibration.Report report;
            try {
                report = ShardedCalibration.run(config, base, shards, queries, target, efSearch, null, save, output);
            } catch (IllegalArgumentException e) {
                throw options.usage(e.getMessage());
            }
            output.result(report);
            return report.met() ? ExitCode.OK : ExitCode.FINDINGS;
        }
        output.info("Calibrating " + base.qualifiedTable() + " for recall@" + options.topK + " >= " + target + ": "
                + options.describe(queries) + " ...");
        RecallCalibration calibration;
        try {
            calibration = RecallCalibration.builder(base, settings -> PgVectorStore.builder().config(config).settings(settings).build())
                    .queries(queries).targetRecall(target).efSearchValues(efSearch).build();
        } catch (IllegalArgumentException e) {
            throw options.usage(e.getMessage());
        }
        CalibrationReport report = calibration.run();
        output.result(report);
        print(report, output);
        if (save) {
            save(config, base, report, output);
        }
        return report.met() ? ExitCode.OK : ExitCode.FINDINGS;
    }

    /**
     * Stores the chosen setting, or when none met the target the one with the best recall: the store then comes as close
     * to the target as this index can, and {@code health} reports DEGRADED and names the fix, instead of keeping a
     * default that is further from it. A setting below the target is not stored when its ef_search is below the one in
     * force without a calibration, nor over a stored one that reached a higher recall (a narrow {@code --ef-search} list
     * or a calibration cut short by its time limit would otherwise make searches worse). The table's size now (all
     * namespaces: one HNSW graph spans them) keys the calibration by size class.
     */
    static void save(VectorStoreConfig config, PgVectorSettings base, CalibrationReport report, Output output) {
        try (VectorStore store = PgVectorStore.builder().config(config).settings(base).build()) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            long rows = store.stats().namespaceCounts().values().stream().mapToLong(Long::longValue).sum();
            CalibrationReport.Trial trial = report.choice().orElseGet(report::best);
            SearchCalibration calibration = new SearchCalibration(report.filter() != null, rows, trial.efSearch(),
                    trial.iterativeScan(), trial.recall(), report.targetRecall(), report.topK(), report.queries(), Instant.now());
            Optional<String> refused = refusal(report, calibration, base.efSearch() + " without a calibration",
                    base.efSearch(), table.calibrations());
            if (refused.isPresent()) {
                output.line(refused.get());
                return;
            }
            table.saveCalibration(calibration);
            if (report.met()) {
                output.line("Saved for " + base.qualifiedTable() + ": " + calibration.describe());
            } else if (calibration.recall() < base.targetRecall()) {
                output.line("Saved the best setting found, below the target, for " + base.qualifiedTable() + ": "
                        + calibration.describe() + ". Health reports DEGRADED until a calibration meets the target: rebuild the"
                        + " index with a larger PGVECTOR_HNSW_M or PGVECTOR_HNSW_EF_CONSTRUCTION and calibrate again, or lower"
                        + " PGVECTOR_TARGET_RECALL.");
            } else {
                // The measured recall reached the target, but not with 95 % confidence on this many queries.
                output.line("Saved the best setting found for " + base.qualifiedTable() + ": " + calibration.describe()
                        + "; its recall is at the target, its 95 % lower bound is not: calibrate with more --queries to"
                        + " confirm it.");
            }
            if (base.configuredEfSearch().isPresent()) {
                output.line("Note: " + PgVectorSettings.EF_SEARCH.key() + " is set (" + base.efSearch() + ") and wins over the"
                        + " saved calibration; unset it to use the calibration.");
            }
        }
    }

    /**
     * Why {@code calibration} (the report's choice, or its best trial when none met the target) must not be stored, if
     * it must not: below the target, a setting under the ef_search in force ({@code inForce} describes it) or one over
     * a stored calibration of the same kind and size class with at least its recall would make searches worse.
     */
    static Optional<String> refusal(CalibrationReport report, SearchCalibration calibration, String inForce, int efSearchInForce,
                                    List<SearchCalibration> stored) {
        if (report.met()) {
            return Optional.empty();
        }
        // Recall grows with ef_search: the setting in force finds at least as much.
        if (calibration.efSearch() < efSearchInForce) {
            return Optional.of("Nothing saved: no setting met the target, and the best one tried (ef_search "
                    + calibration.efSearch() + ") is below the ef_search in force (" + inForce + ").");
        }
        return stored.stream()
                .filter(other -> other.filtered() == calibration.filtered() && other.sizeClass() == calibration.sizeClass()
                        && other.recall() >= calibration.recall())
                .findFirst()
                .map(better -> "Nothing saved: no setting met the target, and the stored calibration reached a higher recall ("
                        + better.describe() + ").");
    }

    static void print(CalibrationReport report, Output output) {
        output.line(String.format("%10s %-15s %10s %12s %11s %9s %9s", "ef_search", "iterative_scan", "recall@" + report.topK(),
                "lower bound", "rows/query", "p50 ms", "p99 ms"));
        for (CalibrationReport.Trial trial : report.trials()) {
            output.line(String.format("%10d %-15s %10.4f %12.4f %11.2f %9.2f %9.2f%s", trial.efSearch(),
                    trial.iterativeScan().sqlValue(), trial.recall(), trial.recallLowerBound(), trial.meanRows(),
                    trial.latency().p50Millis(), trial.latency().p99Millis(), trial.equals(report.chosen()) ? "   <- chosen" : ""));
        }
        if (report.met()) {
            output.line(String.format("Recall@%d >= %.3f (95 %% lower bound) with p50 %.2f ms. Configure:", report.topK(),
                    report.targetRecall(),
                    report.chosen().latency().p50Millis()));
            output.line("  " + report.configurationLine().orElseThrow());
        } else {
            CalibrationReport.Trial best = report.best();
            output.line(String.format("NOT MET: the best recall@%d was %.3f (%s), below %.3f. Rebuild the index with a larger"
                    + " PGVECTOR_HNSW_M or PGVECTOR_HNSW_EF_CONSTRUCTION, or lower the target.", report.topK(), best.recall(),
                    best.configuration(), report.targetRecall()));
        }
    }
}
