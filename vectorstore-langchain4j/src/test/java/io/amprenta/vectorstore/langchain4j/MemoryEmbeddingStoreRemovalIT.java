package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;

/** LangChain4j's own removal suite, unmodified, on the exact in-memory backend (a new store per test). */
class MemoryEmbeddingStoreRemovalIT extends EmbeddingStoreWithRemovalIT {

    private final EmbeddingStore<TextSegment> embeddingStore = VectorStoreEmbeddingStore.builder(Backends.memory()).build();

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return embeddingStore;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return Models.miniLm();
    }
}
