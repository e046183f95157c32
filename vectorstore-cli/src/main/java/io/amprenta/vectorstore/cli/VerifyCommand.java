package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.migration.Verification;
import io.amprenta.vectorstore.migration.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vectorstore verify}: compares the target with the source after (or during) a migration. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compare the target with the source: record counts per namespace, every source id present in",
                "the target, target ids absent from the source (when the counts show some, or with --sample all),",
                "and a sample of records (or every record) compared value by value. Changes nothing.",
                "Exit code 0 when they agree, 4 when there are differences."})
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    private VectorstoreCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = "--source", defaultValue = "pinecone", description = "Source backend (default: ${DEFAULT-VALUE}).")
    private String source;

    @Option(names = "--target", defaultValue = "pgvector", description = "Target backend (default: ${DEFAULT-VALUE}).")
    private String target;

    @Option(names = "--namespace", description = "Namespace to compare; repeat for several (default: all).")
    private List<String> namespaces = List.of();

    @Option(names = "--sample", defaultValue = "1000", description = {"Records per namespace compared value by value, or all",
        "(every record, and every target id looked up in the source) (default: ${DEFAULT-VALUE})."})
    private String sample;

    @Option(names = "--tolerance", defaultValue = "0",
            description = "Relative difference tolerated per value; 0 is bit-exact (use 1e-3 for halfvec targets).")
    private double tolerance;

    @Option(names = "--missing-ids-out", description = "Write every missing id to this file (JSON lines), for `migrate --id-file`.")
    private Path missingIdsOut;

    @Option(names = "--mismatched-ids-out", description = "Write the id of every compared record that differs to this file (JSON lines).")
    private Path mismatchedIdsOut;

    @Option(names = "--extra-ids-out", description = "Write every target id the source does not have to this file (JSON lines).")
    private Path extraIdsOut;

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
            Verification.Builder verification = Verification.builder(from, to).namespaces(namespaces).tolerance(tolerance)
                    .missingIdsOut(missingIdsOut).mismatchedIdsOut(mismatchedIdsOut).extraIdsOut(extraIdsOut).idsFrom(idsFrom);
            if ("all".equalsIgnoreCase(sample)) {
                verification.compareAll();
            } else {
                verification.sampleSize(sampleSize(sample));
            }
            report = verification.build().run();
        }
        output.result(report);
        output.line(String.format("%-20s %12s %12s %10s %10s %10s %10s", "namespace", "source", "target", "missing", "extra",
                "compared", "mismatched"));
        long compared = 0;
        long listed = 0;
        for (VerificationReport.NamespaceResult result : report.namespaces()) {
            output.line(String.format("%-20s %,12d %,12d %,10d %10s %,10d %,10d", "'" + result.namespace() + "'",
                    result.sourceCount(), result.targetCount(), result.missingCount(),
                    result.extrasSearched() ? String.format("%,d", result.extraCount()) : "-", result.compared(),
                    result.mismatchedCount()));
            compared += result.compared();
            listed += result.checkedIds();
        }
        output.line(String.format("Checked %,d ids on the other side and compared %,d records value by value%s.", listed,
                compared, "all".equalsIgnoreCase(sample) ? " (every record)" : " (a sample; --sample all compares every record)"));
        if (report.passed()) {
            output.line("OK: the target matches the source (" + report.elapsed().toSeconds() + " s).");
            return ExitCode.OK;
        }
        output.line("DIFFERENCES:");
        report.problems().forEach(problem -> output.line("  - " + problem));
        return ExitCode.FINDINGS;
    }

    private int sampleSize(String value) {
        try {
            int size = Integer.parseInt(value.strip());
            if (size >= 0 && size <= 1_000_000) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--sample takes a number of records"
                + " between 0 and 1000000, or all, but was '" + value + "'");
    }
}
