package io.amprenta.vectorstore.spring.boot;

import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.VectorStore;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Reports {@link VectorStore#health(Duration)}, a canary search, as the Actuator health component {@code vectorstore}:
 * {@code UP} while searches work, {@code DOWN} when they fail or time out. A store that answers but needs attention
 * (the library's {@code DEGRADED}, e.g. pgvector without its vector index) is {@code UP} with {@code degraded: true},
 * so load balancers keep sending traffic while the details say what to fix.
 */
public final class VectorStoreHealthIndicator implements HealthIndicator {

    private final VectorStore store;
    private final Duration timeout;

    /** Reports on {@code store}, waiting at most {@code timeout} for the canary search. */
    public VectorStoreHealthIndicator(VectorStore store, Duration timeout) {
        this.store = Objects.requireNonNull(store, "store");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Health health() {
        HealthReport report = store.health(timeout);
        Health.Builder health = report.isUsable() ? Health.up() : Health.down();
        return health.withDetail("backend", report.backend())
                .withDetail("namespace", store.namespace())
                .withDetail("status", report.status().name())
                .withDetail("degraded", report.status() == HealthReport.Status.DEGRADED)
                .withDetail("latencyMs", report.latency().toMillis())
                .withDetail("message", report.message())
                .withDetails(report.details())
                .build();
    }
}
