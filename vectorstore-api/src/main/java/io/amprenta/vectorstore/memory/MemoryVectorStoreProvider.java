package io.amprenta.vectorstore.memory;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.spi.VectorStoreProvider;
import java.util.List;

/**
 * Registers the {@code memory} backend. Settings: {@code MEMORY_DIMENSION} (else the first write fixes
 * it), {@code MEMORY_METRIC} ({@code cosine} default, {@code dotproduct}, {@code euclidean}),
 * {@code MEMORY_NAMESPACE} (default {@code ""}).
 */
public final class MemoryVectorStoreProvider implements VectorStoreProvider {

    /** The backend's name. */
    public static final String NAME = "memory";
    /** The largest dimension accepted (Pinecone's maximum). */
    static final int MAX_DIMENSION = 20_000;

    /** The vector dimension; unset, the first write fixes it. */
    public static final Setting<Integer> MEMORY_DIMENSION = Setting.integer("MEMORY_DIMENSION", null, 1, MAX_DIMENSION,
            "the dimension; unset, the first write fixes it")
            .withDefaultText("first write");
    /** The distance metric. */
    public static final Setting<DistanceMetric> MEMORY_METRIC = DistanceMetric.setting("MEMORY_METRIC");
    /** The namespace the store starts in. */
    public static final Setting<String> MEMORY_NAMESPACE = Setting.text("MEMORY_NAMESPACE", "",
            "the namespace the store starts in").withDefaultText("`\"\"`");

    /** Every key the memory backend reads, for the README's tables. */
    public static List<Setting<?>> settings() {
        return List.of(MEMORY_DIMENSION, MEMORY_METRIC, MEMORY_NAMESPACE);
    }

    /** Called by {@link java.util.ServiceLoader}. */
    public MemoryVectorStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VectorStore create(VectorStoreConfig config) {
        MemoryVectorStore.Builder builder = MemoryVectorStore.builder()
                .metric(MEMORY_METRIC.from(config))
                .namespace(MEMORY_NAMESPACE.from(config));
        MEMORY_DIMENSION.optionalFrom(config).ifPresent(builder::dimension);
        return builder.build();
    }
}
