package io.amprenta.vectorstore.micrometer;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.observe.OperationEvent;
import io.amprenta.vectorstore.observe.OperationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;

/**
 * Publishes every store operation to Micrometer:
 * <ul>
 *   <li>{@code vectorstore.operation} (timer): latency, tagged {@code backend}, {@code namespace},
 *       {@code operation} and {@code outcome} ({@code none}, {@code invalid_request}, {@code retryable}, ...);</li>
 *   <li>{@code vectorstore.rows} (distribution summary): rows written, returned, fetched or deleted by
 *       successful calls;</li>
 *   <li>{@code vectorstore.errors} (counter): failures, additionally tagged {@code code} with the
 *       {@link io.amprenta.vectorstore.ErrorCode} anchor, e.g. {@code rate-limited}.</li>
 * </ul>
 *
 * <pre>{@code
 * VectorStore store = ObservedVectorStore.wrap(VectorStores.get(), new MicrometerOperationListener(registry));
 * }</pre>
 *
 * Applications with one namespace per tenant should use {@link #withoutNamespaceTag()} to keep the
 * number of time series bounded.
 */
public final class MicrometerOperationListener implements OperationListener {

    private final MeterRegistry registry;
    private final boolean tagNamespace;

    /** Publishes to {@code registry}, with a {@code namespace} tag. */
    public MicrometerOperationListener(MeterRegistry registry) {
        this(registry, true);
    }

    private MicrometerOperationListener(MeterRegistry registry, boolean tagNamespace) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tagNamespace = tagNamespace;
    }

    /** The same listener without the {@code namespace} tag. */
    public MicrometerOperationListener withoutNamespaceTag() {
        return new MicrometerOperationListener(registry, false);
    }

    @Override
    public void onOperation(OperationEvent event) {
        Tags tags = Tags.of("backend", event.backend(), "operation", event.operation().tag());
        if (tagNamespace) {
            tags = tags.and("namespace", event.namespace());
        }
        Timer.builder("vectorstore.operation").description("Latency of vector store operations")
                .tags(tags.and("outcome", event.outcome())).register(registry).record(event.duration());
        if (event.succeeded()) {
            DistributionSummary.builder("vectorstore.rows").description("Rows written, returned or deleted per operation")
                    .tags(tags).register(registry).record(event.rows());
        } else {
            Counter.builder("vectorstore.errors").description("Failed vector store operations by kind")
                    .tags(tags.and("kind", event.outcome(), "code", event.errorCode().map(ErrorCode::anchor).orElse("unexpected")))
                    .register(registry).increment();
        }
    }
}
