package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.VectorStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vectorstore health}: a canary search with a timeout, for cron jobs, load balancers and container probes. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Run a canary search and report status, latency and backend details.",
                "Exit code 0 when the store answers (UP or DEGRADED), 6 when it does not (DOWN)."})
final class HealthCommand implements Callable<Integer> {

    @ParentCommand
    private VectorstoreCli cli;

    @Option(names = "--backend", description = "Backend to check (default: VECTOR_BACKEND, else pinecone).")
    private String backend;

    @Option(names = "--namespace", description = "Namespace to search in (default: the backend's configured namespace).")
    private String namespace;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Give up and report DOWN after this long (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--fail-on-degraded", description = "Exit 6 also when the store answers but is DEGRADED (e.g. no vector index).")
    private boolean failOnDegraded;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        Output output = cli.output(json);
        HealthReport report = check();
        output.result(report);
        output.line(report.status() + "  " + report.backend() + "  " + report.latency().toMillis() + " ms  " + report.message());
        report.details().forEach((key, value) -> output.line("  " + key + ": " + value));
        boolean healthy = report.status() == HealthReport.Status.UP
                || report.status() == HealthReport.Status.DEGRADED && !failOnDegraded;
        return healthy ? ExitCode.OK : ExitCode.UNHEALTHY;
    }

    // health() never throws, but it may hang on a dead network: bound it.
    private HealthReport check() {
        long started = System.nanoTime();
        CompletableFuture<HealthReport> future = CompletableFuture.supplyAsync(() -> {
            try (VectorStore store = cli.store(backend)) {
                return (namespace == null ? store : store.inNamespace(namespace)).health(timeout);
            }
        });
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return down(started, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConfigurationException misconfigured) {
                throw misconfigured; // exit 3: fix the settings, the store itself was never reached
            }
            return down(started, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(started, "interrupted");
        }
    }

    private HealthReport down(long started, String message) {
        return new HealthReport(HealthReport.Status.DOWN, backend == null ? cli.config().get("VECTOR_BACKEND", "pinecone") : backend,
                Duration.ofNanos(System.nanoTime() - started), message, Map.of());
    }
}
