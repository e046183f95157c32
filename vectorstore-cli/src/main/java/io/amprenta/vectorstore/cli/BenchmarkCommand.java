package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.cutover.BackendBenchmark;
import io.amprenta.vectorstore.cutover.BenchmarkReport;
import io.amprenta.vectorstore.cutover.GroundTruth;
import io.amprenta.vectorstore.cutover.LatencySummary;
import io.amprenta.vectorstore.cutover.QuerySet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectorstore benchmark}: the same queries on Pinecone and pgvector, before (and after) switching backends. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, description = {
    "Run the same queries on both backends and report per backend latency p50/p95/p99, rows returned and",
    "recall@k against exact search in PostgreSQL, and the mean top-k overlap between the two. Reads only.",
    "Exit codes: 0 done, 3 configuration, 4 overlap or recall below --min-overlap / --min-recall."})
final class BenchmarkCommand implements Callable<Integer> {

    @ParentCommand
    private VectorstoreCli cli;

    @Mixin
    private QueryOptions options;

    @Option(names = "--source", defaultValue = "pinecone", description = "The backend switched from (default: ${DEFAULT-VALUE}).")
    private String source;

    @Option(names = "--min-overlap", defaultValue = "0", description = "Exit 4 when the mean overlap is below this (e.g. 0.9).")
    private double minOverlap;

    @Option(names = "--min-recall", defaultValue = "0", description = "Exit 4 when either backend's mean recall is below this.")
    private double minRecall;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        Output output = cli.output(json);
        BenchmarkReport report;
        try (VectorStore from = cli.store(source); VectorStore pgvector = cli.store("pgvector")) {
            VectorStore first = options.scoped(from);
            VectorStore second = options.scoped(pgvector);
            QuerySet queries = options.querySet(second, false);
            output.info("Benchmarking " + first + " against " + second + ": " + options.describe(queries) + " ...");
            report = BackendBenchmark.builder(first, second, GroundTruth.pgvector(second)).queries(queries).build().run();
        }
        output.result(report);
        print(report, output);
        boolean belowRecall = report.backends().stream().anyMatch(backend -> backend.meanRecall() < minRecall);
        if (report.meanOverlap() < minOverlap || belowRecall) {
            output.line(String.format("BELOW TARGET: overlap %.3f (minimum %.3f), recall minimum %.3f.", report.meanOverlap(),
                    minOverlap, minRecall));
            return ExitCode.FINDINGS;
        }
        return ExitCode.OK;
    }

    private static void print(BenchmarkReport report, Output output) {
        output.line(String.format("%-10s %-14s %9s %9s %9s %10s %11s", "backend", "namespace", "p50 ms", "p95 ms", "p99 ms",
                "recall@" + report.topK(), "rows/query"));
        for (BenchmarkReport.BackendResult backend : report.backends()) {
            LatencySummary latency = backend.latency();
            output.line(String.format("%-10s %-14s %9.2f %9.2f %9.2f %10.3f %5.2f of %.2f", backend.backend(),
                    "'" + backend.namespace() + "'", latency.p50Millis(), latency.p95Millis(), latency.p99Millis(),
                    backend.meanRecall(), backend.meanRows(), backend.meanExpectedRows()));
        }
        output.line(String.format("mean top-%d overlap between %s and %s: %.3f (%d queries, %d s)", report.topK(),
                report.backends().get(0).backend(), report.backends().get(1).backend(), report.meanOverlap(), report.queries(),
                report.elapsed().toSeconds()));
        output.line("recall is against exact search in PostgreSQL; rows 'of' is how many exact search returns.");
        report.warnings().forEach(warning -> output.line("WARNING: " + warning));
    }
}
