package io.amprenta.vectorstore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries {@link RetryableException}s with exponential backoff and jitter, bounded by a number of retries and by
 * total time; every other exception passes through at once. Immutable and thread-safe; build with
 * {@link #builder()}, or read from configuration with {@link Keys}: every backend, and the migrator, is configured
 * with the same four keys ({@code <PREFIX>_MAX_RETRIES}, {@code _RETRY_INITIAL_DELAY}, {@code _RETRY_MAX_DELAY},
 * {@code _RETRY_MAX_DURATION}). A server's {@link RetryableException#retryAfter()} hint is honoured when it asks for
 * a longer wait than the backoff.
 *
 * <p>Delay before retry n (1-based): {@code min(maxDelay, initialDelay * 2^(n-1))}, of which a random
 * {@code jitter} fraction is subtracted, so that many workers throttled together do not retry together.
 */
public final class RetryPolicy {

    /** Told about each retry before the wait, e.g. to log it or to slow a shared rate limiter. */
    @FunctionalInterface
    public interface RetryListener {
        /** Attempt {@code failedAttempt} failed with {@code failure}; the next starts after {@code delay}. */
        void onRetry(String operation, int failedAttempt, RetryableException failure, Duration delay);
    }

    /** Waits; replaceable in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final int maxRetries;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration maxDuration;
    private final double jitter;
    private final RetryListener listener;
    private final Sleeper sleeper;

    private RetryPolicy(Builder builder, Sleeper sleeper) {
        this(builder.maxRetries, builder.initialDelay, builder.maxDelay, builder.maxDuration, builder.jitter, builder.listener,
                sleeper);
    }

    private RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay, Duration maxDuration, double jitter,
                        RetryListener listener, Sleeper sleeper) {
        this.maxRetries = maxRetries;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxDuration = maxDuration;
        this.jitter = jitter;
        this.listener = listener;
        this.sleeper = sleeper;
    }

    /** The same policy that also tells {@code additional} about each retry, after its own listener. */
    public RetryPolicy withRetryListener(RetryListener additional) {
        Objects.requireNonNull(additional, "additional");
        RetryListener both = (operation, attempt, failure, delay) -> {
            listener.onRetry(operation, attempt, failure, delay);
            additional.onRetry(operation, attempt, failure, delay);
        };
        return new RetryPolicy(maxRetries, initialDelay, maxDelay, maxDuration, jitter, both, sleeper);
    }

    /** Defaults: 5 retries, 200 ms doubling to 10 s, 50 % jitter, at most 2 minutes in all. */
    public static Builder builder() {
        return new Builder();
    }

    /** A policy that never retries. */
    public static RetryPolicy none() {
        return builder().maxRetries(0).build();
    }

    /** The most retries after the first attempt; 0 means the call is tried once. */
    public int maxRetries() {
        return maxRetries;
    }

    /** The first backoff delay. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The longest backoff delay. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The most time one call may take, waits included. */
    public Duration maxDuration() {
        return maxDuration;
    }

    /** A builder starting from this policy's values and listener. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.maxRetries = maxRetries;
        builder.initialDelay = initialDelay;
        builder.maxDelay = maxDelay;
        builder.maxDuration = maxDuration;
        builder.jitter = jitter;
        builder.listener = listener;
        return builder;
    }

    /** Runs {@code call}, retrying retryable failures; rethrows the last failure when out of attempts or time. */
    public <T> T execute(String operation, Supplier<T> call) {
        long deadline = System.nanoTime() + maxDuration.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RetryableException failure) {
                Duration delay = delayBefore(attempt + 1, failure);
                boolean outOfTime = System.nanoTime() + delay.toNanos() > deadline;
                if (attempt > maxRetries || outOfTime) {
                    throw failure;
                }
                listener.onRetry(operation, attempt, failure, delay);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    failure.addSuppressed(interrupted);
                    throw failure;
                }
            }
        }
    }

    /** Runs {@code call}, retrying retryable failures. */
    public void run(String operation, Runnable call) {
        execute(operation, () -> {
            call.run();
            return null;
        });
    }

    // The wait before attempt number `attempt` (2 for the first retry).
    Duration delayBefore(int attempt, RetryableException failure) {
        double exponential = initialDelay.toNanos() * Math.pow(2, attempt - 2);
        double capped = Math.min(maxDelay.toNanos(), exponential);
        double jittered = capped * (1 - jitter * ThreadLocalRandom.current().nextDouble());
        Duration backoff = Duration.ofNanos((long) jittered);
        Duration hinted = failure.retryAfter().orElse(Duration.ZERO);
        return hinted.compareTo(backoff) > 0 ? hinted : backoff;
    }

    /** Configures a {@link RetryPolicy}; setters validate and name the setting in their errors. */
    public static final class Builder {
        private int maxRetries = 5;
        private Duration initialDelay = Duration.ofMillis(200);
        private Duration maxDelay = Duration.ofSeconds(10);
        private Duration maxDuration = Duration.ofMinutes(2);
        private double jitter = 0.5;
        private RetryListener listener = (operation, attempt, failure, delay) -> { };

        private Builder() {
        }

        /** The most retries after the first attempt; 0 disables retrying. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be at least 0, but is " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The first delay and the cap that doubling stops at. */
        public Builder backoff(Duration initialDelay, Duration maxDelay) {
            requirePositive("initialDelay", initialDelay);
            requirePositive("maxDelay", maxDelay);
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be below initialDelay ("
                        + initialDelay + ")");
            }
            this.initialDelay = initialDelay;
            this.maxDelay = maxDelay;
            return this;
        }

        /** The longest time spent on one call, waits included; no retry starts after it. */
        public Builder maxDuration(Duration maxDuration) {
            requirePositive("maxDuration", maxDuration);
            this.maxDuration = maxDuration;
            return this;
        }

        /** The random fraction, 0 to 1, taken off each delay. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1, but is " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Called before each retry. */
        public Builder onRetry(RetryListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The policy. */
        public RetryPolicy build() {
            return new RetryPolicy(this, delay -> Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000));
        }

        // Tests replace the clock's waiting.
        RetryPolicy build(Sleeper sleeper) {
            return new RetryPolicy(this, sleeper);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, but is " + value);
            }
        }
    }

    /**
     * The four keys that configure retries under one prefix, declared once for every backend and the migrator:
     * {@code <PREFIX>_MAX_RETRIES}, {@code <PREFIX>_RETRY_INITIAL_DELAY}, {@code <PREFIX>_RETRY_MAX_DELAY} and
     * {@code <PREFIX>_RETRY_MAX_DURATION}.
     *
     * @param maxRetries retries after the first attempt; 0 disables retrying
     * @param initialDelay the first backoff, doubling per retry
     * @param maxDelay the longest backoff
     * @param maxDuration the most time one call may take, waits included
     */
    public record Keys(Setting<Integer> maxRetries, Setting<Duration> initialDelay, Setting<Duration> maxDelay,
                       Setting<Duration> maxDuration) {

        /** The most retries a configuration may ask for. */
        public static final int MAX_MAX_RETRIES = 100;

        /** The keys under {@code prefix} (e.g. {@code PINECONE}), with {@code defaults}' values as their defaults. */
        public static Keys of(String prefix, RetryPolicy defaults) {
            return new Keys(
                    Setting.integer(prefix + "_MAX_RETRIES", defaults.maxRetries, 0, MAX_MAX_RETRIES,
                            "retries of throttled, unavailable or timed-out requests; `0` disables"),
                    Setting.duration(prefix + "_RETRY_INITIAL_DELAY", defaults.initialDelay, Duration.ofMillis(1),
                            "first backoff, doubling per retry (with jitter)"),
                    Setting.duration(prefix + "_RETRY_MAX_DELAY", defaults.maxDelay, Duration.ofMillis(1), "longest backoff"),
                    Setting.duration(prefix + "_RETRY_MAX_DURATION", defaults.maxDuration, Duration.ofMillis(1),
                            "most time per request, waits included"));
        }

        /** The four settings, in documentation order. */
        public List<Setting<?>> settings() {
            return List.of(maxRetries, initialDelay, maxDelay, maxDuration);
        }

        /**
         * The policy {@code config} describes, starting from {@code defaults} (whose jitter and listener it keeps).
         *
         * @throws ConfigurationException naming the key whose value is unusable, or {@link #maxDelay()}'s key when it is
         *     below the initial delay
         */
        public RetryPolicy from(VectorStoreConfig config, RetryPolicy defaults) {
            Duration initial = initialDelay.optionalFrom(config).orElse(defaults.initialDelay);
            Duration longest = maxDelay.optionalFrom(config).orElse(defaults.maxDelay);
            if (longest.compareTo(initial) < 0) {
                throw VectorStoreConfig.invalid(maxDelay.key(), maxDelay.format(longest),
                        "at least " + initialDelay.key() + " (" + initialDelay.format(initial) + ")");
            }
            return defaults.toBuilder()
                    .maxRetries(maxRetries.optionalFrom(config).orElse(defaults.maxRetries))
                    .backoff(initial, longest)
                    .maxDuration(maxDuration.optionalFrom(config).orElse(defaults.maxDuration))
                    .build();
        }
    }
}
