package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** LangChain4j's own removal suite, unmodified, on the Pinecone backend (emulator); each test in a namespace of its own. */
class PineconeEmbeddingStoreRemovalIT extends EmbeddingStoreWithRemovalIT {

    private static PineconeEmulator emulator;
    private static VectorStore store;

    private final EmbeddingStore<TextSegment> embeddingStore =
            VectorStoreEmbeddingStore.builder(store).namespace(UUID.randomUUID().toString()).build();

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
}
