package io.amprenta.vectorstore.springai;

import io.amprenta.vectorstore.VectorStore;
import java.util.function.Consumer;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;

/** Spring AI's own vector store suite, unmodified, on the exact in-memory backend. */
class MemoryBaseVectorStoreIT extends BaseVectorStoreTests {

    @Override
    protected void executeTest(Consumer<org.springframework.ai.vectorstore.VectorStore> testFunction) {
        try (VectorStore store = Backends.memory()) {
            testFunction.accept(SpringAiVectorStore.builder(store, MiniLmEmbeddingModel.get()).build());
        }
    }
}
