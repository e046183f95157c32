package io.amprenta.vectorstore.testkit.conformance;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.dualwrite.DualWriteVectorStore;
import io.amprenta.vectorstore.observe.ObservedVectorStore;
import io.amprenta.vectorstore.testkit.ForwardingVectorStore;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The stores that wrap another keep the whole contract too: an application that switches on dual writes, metrics or
 * its own decorator sees the same answers.
 */
class WrappersConformanceTest {

    private static VectorStore memory(int dimension, DistanceMetric metric) {
        return VectorStores.get(Map.of(
                "VECTOR_BACKEND", "memory",
                "MEMORY_DIMENSION", String.valueOf(dimension),
                "MEMORY_METRIC", metric.configName()));
    }

    /** Dual writes over two memory stores. */
    @Nested
    class DualWrite extends VectorStoreConformanceKit {
        @Override
        protected VectorStore createStore(int dimension, DistanceMetric metric) {
            return DualWriteVectorStore.builder(memory(dimension, metric), memory(dimension, metric)).shadowReadRate(0).build();
        }
    }

    /** A memory store observed by a listener. */
    @Nested
    class Observed extends VectorStoreConformanceKit {
        @Override
        protected VectorStore createStore(int dimension, DistanceMetric metric) {
            return ObservedVectorStore.wrap(memory(dimension, metric), event -> { });
        }
    }

    /** A memory store behind the testkit's forwarding decorator. */
    @Nested
    class Forwarding extends VectorStoreConformanceKit {
        @Override
        protected VectorStore createStore(int dimension, DistanceMetric metric) {
            return new ForwardingVectorStore(memory(dimension, metric)) { };
        }
    }
}
