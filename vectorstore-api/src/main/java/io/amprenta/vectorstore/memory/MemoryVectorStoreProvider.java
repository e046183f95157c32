package io.amprenta.vectorstore.memory;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.spi.VectorStoreProvider;

/**
 * Registers the {@code memory} backend. Settings: {@code MEMORY_DIMENSION} (else the first write fixes
 * it), {@code MEMORY_METRIC} ({@code cosine} default, {@code dotproduct}, {@code euclidean}),
 * {@code MEMORY_NAMESPACE} (default {@code ""}).
 */
public final class MemoryVectorStoreProvider implements VectorStoreProvider {

    /** The backend's name. */
    public static final String NAME = "memory";
    /** The vector dimension. */
    public static final String MEMORY_DIMENSION = "MEMORY_DIMENSION";
    /** The distance metric. */
    public static final String MEMORY_METRIC = "MEMORY_METRIC";
    /** The default namespace. */
    public static final String MEMORY_NAMESPACE = "MEMORY_NAMESPACE";

    /** The largest dimension accepted (Pinecone's maximum). */
    static final int MAX_DIMENSION = 20_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VectorStore create(VectorStoreConfig config) {
        MemoryVectorStore.Builder builder = MemoryVectorStore.builder()
                .metric(config.get(MEMORY_METRIC).map(value -> DistanceMetric.fromConfig(MEMORY_METRIC, value))
                        .orElse(DistanceMetric.COSINE))
                .namespace(config.get(MEMORY_NAMESPACE, ""));
        config.getInt(MEMORY_DIMENSION, 1, MAX_DIMENSION).ifPresent(builder::dimension);
        return builder.build();
    }
}
