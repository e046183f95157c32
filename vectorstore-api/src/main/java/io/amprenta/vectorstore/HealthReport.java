package io.amprenta.vectorstore;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a canary search: whether the store answers, how fast, and what the backend saw (for
 * pgvector: whether the index exists and is used, row counts). Fit for load-balancer and cron probes.
 *
 * @param status whether the store is usable
 * @param backend the backend's name
 * @param latency how long the canary took
 * @param message one line a person can act on
 * @param details backend-specific facts, in a stable order
 */
public record HealthReport(Status status, String backend, Duration latency, String message,
                           Map<String, Object> details) {

    /** How usable the store is. */
    public enum Status {
        /** Searches work as configured. */
        UP,
        /** Searches work but something needs attention (e.g. no vector index, so searches are slow). */
        DEGRADED,
        /** Searches fail. */
        DOWN
    }

    /** Copies the details. */
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(message, "message");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Whether searches work ({@code UP} or {@code DEGRADED}). */
    public boolean isUsable() {
        return status != Status.DOWN;
    }
}
