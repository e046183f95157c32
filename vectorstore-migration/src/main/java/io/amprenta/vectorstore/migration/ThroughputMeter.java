package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what this process copied since the run started, and its recent copying rate: the average over
 * the last ten progress ticks, so that the rate shown follows changes (throttling, a slower database) within seconds.
 */
final class ThroughputMeter {

    private static final int SAMPLES = 10;

    private final long startedNanos = System.nanoTime();
    private final LongAdder copied = new LongAdder();
    private final Deque<long[]> samples = new ArrayDeque<>(); // {nanos, copied}

    void copied(int records) {
        copied.add(records);
    }

    long copied() {
        return copied.sum();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Records per second over the whole run so far. */
    double overallRate() {
        return copied.sum() / Math.max(1e-9, elapsed().toNanos() / 1e9);
    }

    /** Takes a sample now and returns records per second over the recent samples. */
    synchronized double recentRate() {
        long now = System.nanoTime();
        long copiedNow = copied.sum();
        samples.addLast(new long[] {now, copiedNow});
        while (samples.size() > SAMPLES) {
            samples.removeFirst();
        }
        long[] oldest = samples.peekFirst();
        double seconds = (now - oldest[0]) / 1e9;
        return seconds > 0 ? (copiedNow - oldest[1]) / seconds : 0;
    }
}
