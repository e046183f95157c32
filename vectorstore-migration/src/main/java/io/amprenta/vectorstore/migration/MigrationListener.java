package io.amprenta.vectorstore.migration;

import java.time.Duration;

/**
 * Told what a migration does, for progress bars, logs and metrics. Methods are called from worker
 * threads, concurrently; keep them fast. All have empty defaults.
 */
public interface MigrationListener {

    /** The plan is made and copying starts. */
    default void started(MigrationPlan plan) {
    }

    /** A batch committed: {@code copied} records written, {@code failed} set aside. */
    default void batchCommitted(String namespace, int copied, int failed, Duration took) {
    }

    /** The source throttled a request; the shared pace is now {@code requestsPerSecond}. */
    default void throttled(String namespace, double requestsPerSecond) {
    }

    /** Periodic snapshot, about once a second. */
    default void progress(MigrationProgress progress) {
    }

    /** The run ended. */
    default void finished(MigrationReport report) {
    }
}
