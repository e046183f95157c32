package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** LangChain4j's own filtering suite, unmodified, on the Pinecone backend: the real pinecone-client against the emulator. */
class PineconeEmbeddingStoreFilteringIT extends EmbeddingStoreWithFilteringIT {

    private static PineconeEmulator emulator;
    private static VectorStore store;

    private final EmbeddingStore<TextSegment> embeddingStore = VectorStoreEmbeddingStore.builder(store).build();

    @BeforeAll
    static void start() {
        emulator = Backends.pineconeEmulator();
        store = Backends.pinecone(emulator);
    }

    @AfterAll
    static void stop() {
        store.close();
        emulator.close();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return embeddingStore;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return Models.miniLm();
    }

    @Override
    protected void clearStore() {
        embeddingStore.removeAll();
    }

    @Override
    protected boolean supportsContains() {
        return true;
    }
}
