package io.amprenta.vectorstore.internal;

import io.amprenta.vectorstore.HealthReport;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Bounds a health check in time: a probe must answer, and a dead network or a hung server must not hang the
 * scheduler or load balancer that asked. Used by {@link io.amprenta.vectorstore.VectorStore#health(Duration)}.
 */
public final class HealthChecks {

    private HealthChecks() {
    }

    /**
     * The report of {@code check}, or a {@code DOWN} report saying so when it does not answer within {@code timeout}
     * or throws. The check runs on a daemon thread of its own, which is left to finish (or time out on its socket)
     * in the background when it overruns.
     */
    public static HealthReport within(Duration timeout, String backend, Supplier<HealthReport> check) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        long started = System.nanoTime();
        CompletableFuture<HealthReport> report = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                report.complete(check.get());
            } catch (RuntimeException | Error e) {
                report.completeExceptionally(e);
            }
        }, "vectorstore-health");
        thread.setDaemon(true);
        thread.start();
        try {
            return report.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            return down(backend, started, "no answer within " + timeout.toMillis() + " ms", "timeout");
        } catch (ExecutionException e) {
            return down(backend, started, String.valueOf(e.getCause()), e.getCause().getClass().getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(backend, started, "interrupted while waiting for the health check", "interrupted");
        }
    }

    /** A {@code DOWN} report of {@code backend}, timed from {@code startedNanos} ({@link System#nanoTime()}). */
    public static HealthReport down(String backend, long startedNanos, String message, String error) {
        return new HealthReport(HealthReport.Status.DOWN, backend, Duration.ofNanos(System.nanoTime() - startedNanos), message,
                Map.of("error", error));
    }
}
