package io.amprenta.vectorstore.testkit.pinecone;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The failures a {@link PineconeEmulator} injects, switchable while it runs: throttling (gRPC
 * {@code RESOURCE_EXHAUSTED} with Pinecone's per-second-limit message), an exhausted monthly quota
 * ({@code RESOURCE_EXHAUSTED} with Pinecone's monthly-limit message), {@code UNAVAILABLE} for a number of
 * calls or a time window, added latency, and failing the n-th call with any status.
 *
 * <p>Every switch counts data-plane calls that passed the API-key check, in arrival order, and applies
 * only to the operations of {@link #limitTo} (all by default). Thread-safe; every method returns
 * {@code this} so that switches chain. {@link #clear()} turns everything off.
 */
public final class PineconeFaults {

    /** The message Pinecone sends with a throughput (per-second) 429, for the given operation and namespace. */
    public static String throughputLimitMessage(PineconeOperation operation, String namespace) {
        return "Request failed. You've reached the max " + operation.grpcMethod().toLowerCase(java.util.Locale.ROOT)
                + " requests per second for namespace '" + namespace + "' (100 requests per second). Pace your"
                + " requests, or contact Pinecone Support to request a higher limit.";
    }

    /** The message Pinecone sends with a monthly-quota 429 for reads (query, fetch, list) or writes. */
    public static String monthlyQuotaMessage(PineconeOperation operation) {
        return operation.isRead()
                ? "Request failed. You've reached your read unit limit for the current month (1000000). To continue"
                        + " reading data, upgrade your plan."
                : "Request failed. You've reached your write unit limit for the current month (2000000). To continue"
                        + " writing data, upgrade your plan.";
    }

    private final Random random;
    private Set<PineconeOperation> scope = EnumSet.allOf(PineconeOperation.class);
    private boolean rateLimitAll;
    private long rateLimitNext;
    private double rateLimitFraction;
    private boolean quotaExhausted;
    private long unavailableNext;
    private long unavailableUntilNanos;
    private Duration latency = Duration.ZERO;
    private long callsSeen;
    private long failAtCall;
    private Status.Code failWith;
    private long injected;

    PineconeFaults(long seed) {
        this.random = new Random(seed);
    }

    /** Applies faults to these operations only (latency included); the default is every operation. */
    public synchronized PineconeFaults limitTo(PineconeOperation first, PineconeOperation... more) {
        scope = EnumSet.of(first, more);
        return this;
    }

    /** Rate-limits every call until {@link #clear()}. */
    public synchronized PineconeFaults rateLimitAll() {
        rateLimitAll = true;
        return this;
    }

    /** Rate-limits the next {@code calls} calls, then lets calls through again. */
    public synchronized PineconeFaults rateLimitNext(long calls) {
        rateLimitNext = requireNonNegative("calls", calls);
        return this;
    }

    /**
     * Rate-limits each call with probability {@code fraction} (0 to 1), drawn from the emulator's seeded
     * random source, so that a test run is repeatable for the same order of calls.
     */
    public synchronized PineconeFaults rateLimitFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be between 0 and 1, but is " + fraction);
        }
        rateLimitFraction = fraction;
        return this;
    }

    /** Answers every call with Pinecone's monthly-quota 429 (read or write units, by operation). */
    public synchronized PineconeFaults exhaustMonthlyQuota() {
        quotaExhausted = true;
        return this;
    }

    /** Answers the next {@code calls} calls with {@code UNAVAILABLE}. */
    public synchronized PineconeFaults unavailableNext(long calls) {
        unavailableNext = requireNonNegative("calls", calls);
        return this;
    }

    /** Answers every call with {@code UNAVAILABLE} for {@code window}, starting now. */
    public synchronized PineconeFaults unavailableFor(Duration window) {
        unavailableUntilNanos = System.nanoTime() + Objects.requireNonNull(window, "window").toNanos();
        return this;
    }

    /** Delays every call by {@code delay} before it is answered (or failed). */
    public synchronized PineconeFaults latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, but is " + delay);
        }
        latency = delay;
        return this;
    }

    /** Fails the {@code n}-th call from now (1 is the next call) with {@code code}, once. */
    public synchronized PineconeFaults failCall(long n, Status.Code code) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, but is " + n);
        }
        failAtCall = callsSeen + n;
        failWith = Objects.requireNonNull(code, "code");
        return this;
    }

    /** Turns every fault off and restores the scope to every operation; counters are kept. */
    public synchronized PineconeFaults clear() {
        scope = EnumSet.allOf(PineconeOperation.class);
        rateLimitAll = false;
        rateLimitNext = 0;
        rateLimitFraction = 0;
        quotaExhausted = false;
        unavailableNext = 0;
        unavailableUntilNanos = 0;
        latency = Duration.ZERO;
        failAtCall = 0;
        failWith = null;
        return this;
    }

    /** How many calls have been failed by a fault so far. */
    public synchronized long injectedCount() {
        return injected;
    }

    /** The latency to add to a call of {@code operation}. */
    synchronized Duration latencyFor(PineconeOperation operation) {
        return scope.contains(operation) ? latency : Duration.ZERO;
    }

    /**
     * Decides the fate of one call: the status to fail it with, or empty to let it through. Quota comes
     * first (a person must act), then the one-off n-th call failure, then unavailability, then throttling.
     */
    synchronized Optional<Status> decide(PineconeOperation operation, String namespace) {
        if (!scope.contains(operation)) {
            return Optional.empty();
        }
        callsSeen++;
        Status status = null;
        if (quotaExhausted) {
            status = Status.RESOURCE_EXHAUSTED.withDescription(monthlyQuotaMessage(operation));
        } else if (failWith != null && callsSeen == failAtCall) {
            status = Status.fromCode(failWith).withDescription("Injected failure of call " + callsSeen + " by the emulator.");
            failWith = null;
        } else if (unavailableNext > 0 || System.nanoTime() - unavailableUntilNanos < 0) {
            unavailableNext = Math.max(0, unavailableNext - 1);
            status = Status.UNAVAILABLE.withDescription("Service temporarily unavailable. Please retry.");
        } else if (rateLimitAll || rateLimitNext > 0 || (rateLimitFraction > 0 && random.nextDouble() < rateLimitFraction)) {
            rateLimitNext = Math.max(0, rateLimitNext - 1);
            status = Status.RESOURCE_EXHAUSTED.withDescription(throughputLimitMessage(operation, namespace));
        }
        if (status != null) {
            injected++;
        }
        return Optional.ofNullable(status);
    }

    private static long requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, but is " + value);
        }
        return value;
    }
}
