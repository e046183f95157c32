package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.migration.MigrationListener;
import io.amprenta.vectorstore.migration.MigrationPlan;
import io.amprenta.vectorstore.migration.MigrationProgress;
import io.amprenta.vectorstore.migration.MigrationReport;
import java.time.Duration;

/**
 * Shows a running migration: on a terminal a progress bar redrawn in place (rows, rate, ETA); otherwise
 * (a log file, a CI job) one line every {@code logEvery}.
 */
final class ProgressDisplay implements MigrationListener {

    private static final int BAR_WIDTH = 30;

    private final Output output;
    private final long logEveryNanos;
    private long lastLogNanos;

    ProgressDisplay(Output output, Duration logEvery) {
        this.output = output;
        this.logEveryNanos = logEvery.toNanos();
        this.lastLogNanos = System.nanoTime();
    }

    @Override
    public void throttled(String operation, double requestsPerSecond) {
        if (!output.terminal()) {
            output.info(String.format("throttled by the source during %s; pace now %.1f requests/s", operation, requestsPerSecond));
        }
    }

    @Override
    public synchronized void progress(MigrationProgress progress) {
        if (output.terminal()) {
            output.progress(line(progress, true));
        } else if (System.nanoTime() - lastLogNanos >= logEveryNanos) {
            lastLogNanos = System.nanoTime();
            output.info(line(progress, false));
        }
    }

    @Override
    public synchronized void finished(MigrationReport report) {
        output.endProgress();
    }

    @Override
    public void started(MigrationPlan plan) {
        output.info(String.format("Run '%s': %,d records pending in %d namespace(s), %d workers, batches of %d.", plan.runId(),
                plan.pending(), plan.namespaces().size(), plan.workers(), plan.batchSize()));
    }

    static String line(MigrationProgress progress, boolean bar) {
        String known = progress.listingComplete() ? String.format("%,d", progress.known()) : String.format("%,d+", progress.known());
        String eta = progress.eta().map(ProgressDisplay::format).orElse(progress.listingComplete() ? "-" : "listing ids");
        String text = String.format("%5.1f%%  %,d/%s done  %,d failed  %,.0f rec/s  ETA %s", progress.fraction() * 100,
                progress.done(), known, progress.failed(), progress.recordsPerSecond(), eta);
        if (!bar) {
            return "progress: " + text + "  elapsed " + format(progress.elapsed());
        }
        int filled = (int) Math.round(progress.fraction() * BAR_WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + text;
    }

    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format("%02d", seconds % 3600 / 60) + "m";
    }
}
