package io.amprenta.vectorstore.testkit.pinecone;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The failures a {@link PineconeEmulator} injects, switchable while it runs: throttling (gRPC
 * {@code RESOURCE_EXHAUSTED} with Pinecone's per-second-limit message), Pinecone's per-index request-per-second
 * limits ({@link #enforceDocumentedLimits()}, {@link #limitRequestsPerSecond}), an exhausted monthly quota
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

    /**
     * Pinecone's documented per-index request-per-second limits for serverless indexes, the same on every plan:
     * list 200, fetch 100, describe index stats 100.
     */
    public static final Map<PineconeOperation, Double> DOCUMENTED_PER_INDEX_LIMITS = Map.of(
            PineconeOperation.LIST, 200.0, PineconeOperation.FETCH, 100.0, PineconeOperation.DESCRIBE_INDEX_STATS, 100.0);

    /** The message Pinecone sends with a per-index request-per-second 429. */
    public static String indexThroughputLimitMessage(PineconeOperation operation, double requestsPerSecond) {
        return "Request failed. You've reached the max " + operation.grpcMethod().toLowerCase(java.util.Locale.ROOT)
                + " requests per second for this index ("
                + (requestsPerSecond == Math.rint(requestsPerSecond) ? Long.toString((long) requestsPerSecond) : Double.toString(requestsPerSecond))
                + " requests per second). Pace your requests, or contact Pinecone Support to request a higher limit.";
    }

    private final Random random;
    private final Map<PineconeOperation, TokenBucket> limits = new EnumMap<>(PineconeOperation.class);
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

    /**
     * Enforces Pinecone's documented per-index limits ({@link #DOCUMENTED_PER_INDEX_LIMITS}) on every client of this
     * emulator's index, as {@link #limitRequestsPerSecond} does for each.
     */
    public synchronized PineconeFaults enforceDocumentedLimits() {
        DOCUMENTED_PER_INDEX_LIMITS.forEach(this::limitRequestsPerSecond);
        return this;
    }

    /**
     * Lets at most {@code requestsPerSecond} calls of {@code operation} through per second, across every client of the
     * index, and answers the others with {@code RESOURCE_EXHAUSTED} and Pinecone's per-index throughput message. The
     * budget is a token bucket holding one second's worth of calls (a fresh or idle index takes a one-second burst, as
     * a per-second limit allows); a refused call takes no token. Tests may scale the documented limits down.
     */
    public synchronized PineconeFaults limitRequestsPerSecond(PineconeOperation operation, double requestsPerSecond) {
        Objects.requireNonNull(operation, "operation");
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive and finite, but is " + requestsPerSecond);
        }
        limits.put(operation, new TokenBucket(requestsPerSecond, System.nanoTime()));
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

    /** Turns every fault and limit off and restores the scope to every operation; counters are kept. */
    public synchronized PineconeFaults clear() {
        limits.clear();
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

    /** How many calls have been failed by a fault so far (refusals by a request-per-second limit included). */
    public synchronized long injectedCount() {
        return injected;
    }

    /** The latency to add to a call of {@code operation}. */
    synchronized Duration latencyFor(PineconeOperation operation) {
        return scope.contains(operation) ? latency : Duration.ZERO;
    }

    /**
     * Decides the fate of one call: the status to fail it with, or empty to let it through. Quota comes
     * first (a person must act), then the one-off n-th call failure, then unavailability, then throttling, then the
     * per-index request-per-second limits (which apply whatever {@link #limitTo} says, as Pinecone's do).
     */
    synchronized Optional<Status> decide(PineconeOperation operation, String namespace) {
        if (!scope.contains(operation)) {
            return overLimit(operation);
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
            return Optional.of(status);
        }
        return overLimit(operation);
    }

    private Optional<Status> overLimit(PineconeOperation operation) {
        TokenBucket bucket = limits.get(operation);
        if (bucket == null || bucket.take(System.nanoTime())) {
            return Optional.empty();
        }
        injected++;
        return Optional.of(Status.RESOURCE_EXHAUSTED.withDescription(indexThroughputLimitMessage(operation, bucket.perSecond)));
    }

    /** A budget of {@code perSecond} calls a second holding at most one second's worth; guarded by the faults' lock. */
    private static final class TokenBucket {
        final double perSecond;
        private double tokens;
        private long refilledAtNanos;

        TokenBucket(double perSecond, long nowNanos) {
            this.perSecond = perSecond;
            this.tokens = Math.max(1, perSecond);
            this.refilledAtNanos = nowNanos;
        }

        boolean take(long nowNanos) {
            tokens = Math.min(Math.max(1, perSecond), tokens + (nowNanos - refilledAtNanos) / 1e9 * perSecond);
            refilledAtNanos = nowNanos;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    private static long requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, but is " + value);
        }
        return value;
    }
}
