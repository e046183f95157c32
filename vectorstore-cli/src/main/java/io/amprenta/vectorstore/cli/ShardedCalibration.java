package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.cutover.CalibrationReport;
import io.amprenta.vectorstore.cutover.QuerySet;
import io.amprenta.vectorstore.cutover.RecallCalibration;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SearchCalibration;
import io.amprenta.vectorstore.pgvector.ShardServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calibration of a table sharded across servers (ARCHITECTURE.md, "Calibration"): {@code postgres_fdw} forwards no
 * session settings, so each shard is measured on its own server (a store on the shard's database, reached with what
 * the coordinator's catalog says, trials varying ef_search in the calibration's own sessions there), with the same
 * held-out queries for every shard and each shard's own exact top-k as its truth. {@code --save} stores each shard's
 * setting in its foreign server's options, where new shard sessions pick it up, and a last measurement through the
 * coordinator's real query path shows the recall the application gets.
 */
final class ShardedCalibration {

    /**
     * One shard's outcome.
     *
     * @param server the coordinator's foreign server of the shard
     * @param rows the shard's embedded rows in the namespace calibrated
     * @param tableRows the shard's embedded rows in every namespace (one HNSW graph spans them): its size class
     * @param efSearchInForce the shard's ef_search before this calibration
     * @param chosenEfSearch the ef_search chosen (the best tried when none met the target); null when not calibrated
     * @param recall the recall@k measured with it; null when not calibrated
     * @param p50Millis the median latency measured with it; null when not calibrated
     * @param met whether it met the target (true for a shard without rows in the namespace)
     * @param note what happened to the shard beyond the figures (not calibrated, saved, nothing saved and why)
     * @param report the shard's trials; null when not calibrated
     */
    record ShardResult(String server, long rows, long tableRows, int efSearchInForce, Integer chosenEfSearch, Double recall, Double p50Millis,
                       boolean met, String note, CalibrationReport report) {

        /** This result with {@code note} in place of its note. */
        ShardResult withNote(String note) {
            return new ShardResult(server, rows, tableRows, efSearchInForce, chosenEfSearch, recall, p50Millis, met, note, report);
        }
    }

    /**
     * What {@code calibrate} prints for a sharded table.
     *
     * @param targetRecall the recall@k asked for
     * @param topK the k of recall@k
     * @param namespace the namespace calibrated
     * @param shards every shard, in partition order
     * @param coordinatorRecall recall@k measured through the coordinator at the shards' settings in force afterwards
     * @param coordinatorP50Millis the median latency of those queries
     * @param met whether every shard met the target
     */
    record Report(double targetRecall, int topK, String namespace, List<ShardResult> shards, double coordinatorRecall,
                  double coordinatorP50Millis, boolean met) {
    }

    private ShardedCalibration() {
    }

    /**
     * Calibrates every shard of the sharded table {@code config} names, saves the results when {@code save}, measures
     * through the coordinator, prints the report as lines and returns it (for {@code --json}). Every shard is measured before anything is saved, so a
     * shard that cannot be reached or measured changes no server's options.
     */
    static Report run(VectorStoreConfig config, PgVectorSettings base, List<ShardServer> shards, QuerySet queries,
                      double target, List<Integer> efSearchValues, Duration timeLimit, boolean save, Output output) {
        List<ShardResult> results = new ArrayList<>();
        Map<ShardServer, SearchCalibration> toSave = new LinkedHashMap<>();
        for (ShardServer shard : shards) {
            results.add(calibrate(config, base, shard, queries, target, efSearchValues, timeLimit, output));
        }
        if (save) {
            for (int i = 0; i < shards.size(); i++) {
                ShardResult result = results.get(i);
                if (result.report() != null) {
                    results.set(i, result.withNote(decide(shards.get(i), result, toSave)));
                }
            }
            if (!toSave.isEmpty()) {
                try (VectorStore store = PgVectorStore.builder().config(config).settings(base).build()) {
                    store.unwrap(PgVectorTable.class).saveShardCalibrations(toSave);
                }
            }
        }
        CalibrationReport.Trial coordinator = coordinatorCheck(config, base, queries, target);
        Report report = new Report(target, queries.topK(), base.namespace(), results, coordinator.recall(),
                coordinator.latency().p50Millis(), results.stream().allMatch(ShardResult::met));
        print(report, output);
        return report;
    }

    private static ShardResult calibrate(VectorStoreConfig config, PgVectorSettings base, ShardServer shard, QuerySet queries,
                                         double target, List<Integer> efSearchValues, Duration timeLimit, Output output) {
        VectorStoreConfig shardConfig = shard.config(config);
        // The shard sessions of the coordinator run with relaxed-order iterative scans (ShardedSchema's server options).
        PgVectorSettings shardBase = base.toBuilder().iterativeScan(IterativeScan.RELAXED_ORDER).build();
        try {
            Map<String, Long> counts;
            try (VectorStore store = PgVectorStore.builder().config(shardConfig).settings(shardBase).build()) {
                counts = store.stats().namespaceCounts();
            }
            long rows = counts.getOrDefault(base.namespace(), 0L);
            long tableRows = counts.values().stream().mapToLong(Long::longValue).sum();
            if (rows == 0) {
                return new ShardResult(shard.server(), 0, tableRows, shard.efSearch(), null, null, null, true,
                        "no rows in namespace '" + base.namespace() + "': not calibrated", null);
            }
            output.info("Calibrating shard " + shard + " (" + String.format("%,d", rows) + " rows) ...");
            RecallCalibration.Builder builder = RecallCalibration.builder(shardBase,
                            settings -> PgVectorStore.builder().config(shardConfig).settings(settings).build())
                    .queries(queries).targetRecall(target).efSearchValues(efSearchValues)
                    .iterativeScans(List.of(IterativeScan.RELAXED_ORDER));
            if (timeLimit != null) {
                builder.timeLimit(timeLimit);
            }
            CalibrationReport report = builder.build().run();
            CalibrationReport.Trial trial = report.choice().orElseGet(report::best);
            return new ShardResult(shard.server(), rows, tableRows, shard.efSearch(), trial.efSearch(), trial.recall(),
                    trial.latency().p50Millis(), report.met(), report.met() ? "met" : "not met", report);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(e.code(), onShard(shard, e), e);
        } catch (VectorStoreException e) {
            throw new VectorStoreException(e.code(), onShard(shard, e), e);
        }
    }

    private static String onShard(ShardServer shard, VectorStoreException e) {
        return "Calibrating shard " + shard + " (reached with the host, port and database of its foreign server and the"
                + " login of the coordinator's user mapping) failed: " + e.problem() + " No server option was changed.";
    }

    // The rules of CalibrateCommand.save, per shard, against the shard's ef_search in force and its stored calibrations.
    // Returns the shard's note: what was saved, or why nothing was.
    private static String decide(ShardServer shard, ShardResult result, Map<ShardServer, SearchCalibration> toSave) {
        CalibrationReport report = result.report();
        CalibrationReport.Trial trial = report.choice().orElseGet(report::best);
        SearchCalibration calibration = new SearchCalibration(report.filter() != null, result.tableRows(), trial.efSearch(),
                trial.iterativeScan(), trial.recall(), report.targetRecall(), report.topK(), report.queries(), Instant.now());
        Optional<String> refused = CalibrateCommand.refusal(report, calibration, "the shard's " + shard.efSearch(),
                shard.efSearch(), shard.calibrations());
        if (refused.isPresent()) {
            return refused.get();
        }
        toSave.put(shard, calibration);
        return (report.met() ? "saved: " : "saved the best setting found, below the target: ") + calibration.describe();
    }

    /*
     * The recall the application gets: the coordinator's own query path (each shard's top-k, merged) at the shards'
     * settings in force now. The coordinator's session ef_search never reaches a shard, so one trial is all there is.
     */
    private static CalibrationReport.Trial coordinatorCheck(VectorStoreConfig config, PgVectorSettings base, QuerySet queries,
                                                            double target) {
        int efSearch = Math.max(queries.topK(), base.efSearch());
        return RecallCalibration.builder(base, settings -> PgVectorStore.builder().config(config).settings(settings).build())
                .queries(queries).targetRecall(target).efSearchValues(List.of(Math.min(efSearch, PgVectorSettings.MAX_EF_SEARCH)))
                .build().run().best();
    }

    private static void print(Report report, Output output) {
        for (ShardResult shard : report.shards()) {
            if (shard.report() != null) {
                output.line("Shard " + shard.server() + ":");
                CalibrateCommand.print(shard.report(), output);
                output.line("");
            }
        }
        output.line(String.format("%-32s %10s %10s %10s %10s %9s  %s", "shard server", "rows", "in force", "ef_search",
                "recall@" + report.topK(), "p50 ms", "result"));
        for (ShardResult shard : report.shards()) {
            output.line(String.format("%-32s %,10d %10d %10s %10s %9s  %s", shard.server(), shard.rows(), shard.efSearchInForce(),
                    shard.chosenEfSearch() == null ? "-" : shard.chosenEfSearch().toString(),
                    shard.recall() == null ? "-" : String.format("%.4f", shard.recall()),
                    shard.p50Millis() == null ? "-" : String.format("%.2f", shard.p50Millis()), shard.note()));
        }
        output.line(String.format("Through the coordinator (every shard's top-%d, merged) at the shards' settings in force:"
                + " recall@%d %.4f, p50 %.2f ms.", report.topK(), report.topK(), report.coordinatorRecall(),
                report.coordinatorP50Millis()));
        output.line(report.met() ? String.format("Every shard meets recall@%d >= %.3f.", report.topK(), report.targetRecall())
                : String.format("NOT MET on some shard: rebuild its index with a larger PGVECTOR_HNSW_M or"
                + " PGVECTOR_HNSW_EF_CONSTRUCTION, or lower the target (%.3f).", report.targetRecall()));
    }
}
