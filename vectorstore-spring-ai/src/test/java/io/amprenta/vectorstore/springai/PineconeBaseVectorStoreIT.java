package io.amprenta.vectorstore.springai;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;

/** Spring AI's own vector store suite, unmodified, on the Pinecone backend: the real pinecone-client against the emulator. */
class PineconeBaseVectorStoreIT extends BaseVectorStoreTests {

    private static PineconeEmulator emulator;
    private static VectorStore store;

    @BeforeAll
    static void start() {
        emulator = Backends.pineconeEmulator();
        store = VectorStores.get(emulator.hostConfig());
    }

    @AfterAll
    static void stop() {
        store.close();
        emulator.close();
    }

    @Override
    protected void executeTest(Consumer<org.springframework.ai.vectorstore.VectorStore> testFunction) {
        testFunction.accept(SpringAiVectorStore.builder(store, MiniLmEmbeddingModel.get()).build());
    }
}
