package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of {@link Migration#run()}.
 *
 * @param runId the run
 * @param outcome how the run ended
 * @param message one line for a person: what happened and, unless completed, what to do
 * @param copied records this process copied
 * @param alreadyDone records that were done before this process started (skipped on resume)
 * @param totalDone records done in the run, by every process
 * @param failedCount records failed in the run
 * @param failures the first failures with their reasons (at most 100)
 * @param elapsed wall-clock time of this process
 * @param recordsPerSecond this process's average rate
 */
public record MigrationReport(String runId, Outcome outcome, String message, long copied, long alreadyDone, long totalDone,
                              long failedCount, List<FailedRecord> failures, Duration elapsed, double recordsPerSecond) {

    /** How a run ended; each maps to an exit code of the command line. */
    public enum Outcome {
        /** Every id is done. */
        COMPLETED,
        /** Every id was processed, some failed; fix them and resume. */
        COMPLETED_WITH_FAILURES,
        /** Stopped on request (Ctrl-C); resume to continue. */
        INTERRUPTED,
        /** Stopped on an error that needs a person (authentication, quota, persistent outage); fix and resume. */
        STOPPED,
        /** A dry run: nothing was written. */
        DRY_RUN
    }

    /** Copies the failures. */
    public MigrationReport {
        failures = List.copyOf(failures);
    }
}
