package io.amprenta.vectorstore.migration;

/**
 * One request budget for one kind of source request (listing or fetching), shared by every worker of a
 * process: requests are spaced {@code 1/rate} apart. The pace converges on the source's limit instead of
 * oscillating around it (ARCHITECTURE.md, "Pacing"): each throttling multiplies the rate by 0.9 (down to a
 * floor), but only once per two spacings, so the burst of 429s that one overshoot causes across the workers
 * counts once; each success raises it by 0.5 % of itself, up to the ceiling. The rate therefore stays within
 * about a tenth of the limit, and the source's own burst allowance absorbs the small overshoot.
 */
final class AdaptivePace {

    private static final double DECREASE = 0.9;
    private static final double INCREASE = 1.005;

    private final double ceiling;
    private final double floor;
    private double rate; // requests per second; guarded by this
    private long nextSlotNanos; // guarded by this
    private long lastDecreaseNanos; // guarded by this
    private boolean decreased; // guarded by this
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

    /**
     * The source said "too many requests": slow down by a tenth, unless this pace already slowed down within
     * the last two spacings (the 429 then answers a request sent before that decrease). Returns the rate.
     */
    synchronized double throttled() {
        long now = clock.nanoTime();
        if (decreased && now - lastDecreaseNanos < (long) (2e9 / rate)) {
            return rate;
        }
        decreased = true;
        lastDecreaseNanos = now;
        rate = Math.max(floor, rate * DECREASE);
        // Later callers wait for the new, longer spacing from now on.
        nextSlotNanos = Math.max(nextSlotNanos, clock.nanoTime() + (long) (1e9 / rate));
        return rate;
    }

    /** A request succeeded: speed up by a small share of the current rate, up to the ceiling. */
    synchronized void succeeded() {
        rate = Math.min(ceiling, rate * INCREASE);
    }

    synchronized double rate() {
        return rate;
    }
}
