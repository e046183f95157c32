package io.amprenta.vectorstore.memory;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.spi.BackendVectorStore;
import java.util.Objects;

/**
 * The exact in-memory backend ({@code VECTOR_BACKEND=memory}): brute-force search, so its results are
 * the ground truth other backends' recall is measured against. For tests, examples and small corpora;
 * nothing is persisted.
 *
 * <pre>{@code
 * VectorStore store = MemoryVectorStore.builder().dimension(384).metric(DistanceMetric.COSINE).build();
 * }</pre>
 */
public final class MemoryVectorStore {

    private MemoryVectorStore() {
    }

    /** Starts configuring a memory store. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a memory store; {@link #build()} creates it. */
    public static final class Builder {
        private int dimension;
        private DistanceMetric metric = DistanceMetric.COSINE;
        private String namespace = "";

        private Builder() {
        }

        /** The vector dimension; when not set, the first write fixes it. */
        public Builder dimension(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be positive, but is " + dimension);
            }
            this.dimension = dimension;
            return this;
        }

        /** The distance metric (default cosine). */
        public Builder metric(DistanceMetric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /** The namespace the store starts in (default {@code ""}). */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** A new, empty store. */
        public VectorStore build() {
            return BackendVectorStore.of(new MemoryBackend(metric, dimension), namespace);
        }
    }
}
