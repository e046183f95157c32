package io.amprenta.vectorstore.testkit.conformance;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import java.util.Map;

/** The {@code memory} backend, obtained the way applications obtain it, keeps the whole contract. */
class MemoryConformanceTest extends VectorStoreConformanceKit {

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        return VectorStores.get(Map.of(
                "VECTOR_BACKEND", "memory",
                "MEMORY_DIMENSION", String.valueOf(dimension),
                "MEMORY_METRIC", metric.configName()));
    }
}
