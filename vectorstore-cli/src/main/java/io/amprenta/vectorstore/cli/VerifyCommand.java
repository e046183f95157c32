package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.migration.Verification;
import io.amprenta.vectorstore.migration.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectorstore verify}: compares the target with the source after (or during) a migration. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compare the target with the source: record counts per namespace, every source id present in",
                "the target, and a sample of records compared value by value. Changes nothing.",
                "Exit code 0 when they agree, 4 when there are differences."})
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    private VectorstoreCli cli;

    @Option(names = "--source", defaultValue = "pinecone", description = "Source backend (default: ${DEFAULT-VALUE}).")
    private String source;

    @Option(names = "--target", defaultValue = "pgvector", description = "Target backend (default: ${DEFAULT-VALUE}).")
    private String target;

    @Option(names = "--namespace", description = "Namespace to compare; repeat for several (default: all).")
    private List<String> namespaces = List.of();

    @Option(names = "--sample", defaultValue = "1000", description = "Records per namespace compared value by value (default: ${DEFAULT-VALUE}).")
    private int sample;

    @Option(names = "--tolerance", defaultValue = "0",
            description = "Relative difference tolerated per value; 0 is bit-exact (use 1e-3 for halfvec targets).")
    private double tolerance;

    @Option(names = "--missing-ids-out", description = "Write every missing id to this file, for `migrate --id-file`.")
    private Path missingIdsOut;

    @Option(names = "--ids-from", defaultValue = "source", description = {"Whose ids to list and look up on the other side:",
        "source (default), or target for a source that cannot list ids (a Pinecone pod index)."})
    private Verification.IdsFrom idsFrom;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        Output output = cli.output(json);
        VerificationReport report;
        try (VectorStore from = cli.store(source); VectorStore to = cli.store(target)) {
            output.info("Comparing " + to + " with " + from + " ...");
            report = Verification.builder(from, to).namespaces(namespaces).sampleSize(sample).tolerance(tolerance)
                    .missingIdsOut(missingIdsOut).idsFrom(idsFrom).build().run();
        }
        output.result(report);
        output.line(String.format("%-20s %12s %12s %10s %8s %10s", "namespace", "source", "target", "missing", "sampled", "mismatched"));
        for (VerificationReport.NamespaceResult result : report.namespaces()) {
            output.line(String.format("%-20s %,12d %,12d %,10d %,8d %,10d", "'" + result.namespace() + "'", result.sourceCount(),
                    result.targetCount(), result.missingCount(), result.sampled(), result.mismatches().size()));
        }
        if (report.passed()) {
            output.line("OK: the target matches the source (" + report.elapsed().toSeconds() + " s).");
            return ExitCode.OK;
        }
        output.line("DIFFERENCES:");
        report.problems().forEach(problem -> output.line("  - " + problem));
        return ExitCode.FINDINGS;
    }
}
