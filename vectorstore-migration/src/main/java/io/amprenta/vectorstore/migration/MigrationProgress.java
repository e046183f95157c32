package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of a running migration, as progress bars and log lines show it.
 *
 * @param known ids known to the run so far (grows while ids are still being listed)
 * @param done ids copied, by any process, including before a resume
 * @param failed ids that failed
 * @param listingComplete whether every namespace's ids have been listed, so {@code known} is final
 * @param copiedByThisProcess records this process copied
 * @param elapsed time since this process started
 * @param recordsPerSecond this process's recent rate
 */
public record MigrationProgress(long known, long done, long failed, boolean listingComplete, long copiedByThisProcess,
                                Duration elapsed, double recordsPerSecond) {

    /** Ids neither done nor failed yet. */
    public long remaining() {
        return Math.max(0, known - done - failed);
    }

    /** Estimated time to finish at the current rate; empty while ids are still being listed or the rate is 0. */
    public Optional<Duration> eta() {
        if (!listingComplete || recordsPerSecond <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) (remaining() / recordsPerSecond * 1000)));
    }

    /** The fraction finished, 0 to 1. */
    public double fraction() {
        return known == 0 ? (listingComplete ? 1 : 0) : (double) (done + failed) / known;
    }
}
