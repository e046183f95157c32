package io.amprenta.vectorstore.migration;

/**
 * One request budget shared by every worker of a process: requests are spaced {@code 1/rate} apart.
 * The rate halves each time the source throttles (down to a floor) and creeps back up by a twentieth of
 * the ceiling after each success, so a run settles just below the source's limit instead of hammering it.
 */
final class AdaptivePace {

    private final double ceiling;
    private final double floor;
    private double rate; // requests per second; guarded by this
    private long nextSlotNanos; // guarded by this
    private final Clock clock;

    /** Reads the time and waits; replaced in tests. */
    interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };

    AdaptivePace(double requestsPerSecond, Clock clock) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive, but is " + requestsPerSecond);
        }
        this.ceiling = requestsPerSecond;
        this.floor = Math.min(requestsPerSecond, 0.2);
        this.rate = requestsPerSecond;
        this.clock = clock;
        this.nextSlotNanos = clock.nanoTime();
    }

    /** Waits for this caller's turn. */
    void acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = clock.nanoTime();
            long slot = Math.max(now, nextSlotNanos);
            nextSlotNanos = slot + (long) (1e9 / rate);
            wait = slot - now;
        }
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }

    /** The source said "too many requests": halve the pace. Returns the new rate. */
    synchronized double throttled() {
        rate = Math.max(floor, rate / 2);
        // Later callers wait for the new, longer spacing from now on.
        nextSlotNanos = Math.max(nextSlotNanos, clock.nanoTime() + (long) (1e9 / rate));
        return rate;
    }

    /** A request succeeded: speed up a little, up to the ceiling. */
    synchronized void succeeded() {
        rate = Math.min(ceiling, rate + ceiling / 20);
    }

    synchronized double rate() {
        return rate;
    }
}
