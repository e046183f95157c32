package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.conformance.VectorStoreConformanceKit;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The Pinecone backend keeps the whole contract, obtained the way applications obtain it
 * ({@code VectorStores.get} with {@code PINECONE_*} keys), through the real client over a real gRPC
 * channel to an emulated index found by name through the emulated control plane. Each store gets an
 * index of its own.
 */
class PineconeConformanceIT extends VectorStoreConformanceKit {

    private final List<PineconeEmulator> emulators = new ArrayList<>();

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        PineconeEmulator emulator = PineconeEmulator.builder().dimension(dimension).metric(metric).indexName("conformance").start();
        emulators.add(emulator);
        return VectorStores.get(emulator.config());
    }

    @AfterEach
    void stopEmulators() {
        emulators.forEach(PineconeEmulator::close);
        emulators.clear();
    }
}
