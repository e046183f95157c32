package io.amprenta.vectorstore.micrometer;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.observe.OperationEvent;
import io.amprenta.vectorstore.observe.OperationListener;
import io.amprenta.vectorstore.observe.RecallEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes every store operation to Micrometer:
 * <ul>
 *   <li>{@code vectorstore.operation} (timer): latency, tagged {@code backend}, {@code namespace},
 *       {@code operation} and {@code outcome} ({@code none}, {@code invalid_request}, {@code retryable}, ...);</li>
 *   <li>{@code vectorstore.rows} (distribution summary): rows written, returned, fetched or deleted by
 *       successful calls;</li>
 *   <li>{@code vectorstore.errors} (counter): failures, additionally tagged {@code code} with the
 *       {@link io.amprenta.vectorstore.ErrorCode} anchor, e.g. {@code rate-limited}.</li>
 *   <li>{@code vectorstore.recall} (gauge): the rolling recall@k of the queries a recall monitor re-ran by exact
 *       search ({@code PGVECTOR_RECALL_SAMPLE_RATE}), and {@code vectorstore.recall.target} (gauge) the target, tagged
 *       {@code backend} and {@code namespace};</li>
 *   <li>{@code vectorstore.recall.samples} (counter): queries re-checked.</li>
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
    // A gauge reads a value it holds; one holder per tag set, shared by the listener's copies.
    private final Map<Tags, AtomicReference<Double>> recall;
    private final Map<Tags, AtomicReference<Double>> target;

    /** Publishes to {@code registry}, with a {@code namespace} tag. */
    public MicrometerOperationListener(MeterRegistry registry) {
        this(registry, true);
    }

    private MicrometerOperationListener(MeterRegistry registry, boolean tagNamespace) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tagNamespace = tagNamespace;
        this.recall = new ConcurrentHashMap<>();
        this.target = new ConcurrentHashMap<>();
    }

    /** The same listener without the {@code namespace} tag. */
    public MicrometerOperationListener withoutNamespaceTag() {
        return new MicrometerOperationListener(registry, false);
    }

    @Override
    public void onRecall(RecallEvent event) {
        Tags tags = Tags.of("backend", event.backend());
        if (tagNamespace) {
            tags = tags.and("namespace", event.namespace());
        }
        gauge(recall, "vectorstore.recall", "Rolling recall@k of queries re-run by exact search", tags).set(event.rollingRecall());
        gauge(target, "vectorstore.recall.target", "The recall@k the store is tuned for", tags).set(event.targetRecall());
        Counter.builder("vectorstore.recall.samples").description("Queries re-run by exact search to measure recall")
                .tags(tags).register(registry).increment();
    }

    private AtomicReference<Double> gauge(Map<Tags, AtomicReference<Double>> holders, String name, String description,
                                          Tags tags) {
        return holders.computeIfAbsent(tags, key -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, holder, AtomicReference::get).description(description).tags(key).register(registry);
            return holder;
        });
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
