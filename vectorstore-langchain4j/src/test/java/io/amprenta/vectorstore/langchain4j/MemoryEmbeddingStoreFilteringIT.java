package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;

/**
 * LangChain4j's own filtering suite (which includes {@code EmbeddingStoreIT} and {@code EmbeddingStoreWithoutMetadataIT}),
 * unmodified, on the exact in-memory backend. {@code containsString} is evaluated by the adapter, so the suite's
 * contains tests run instead of the "throws UnsupportedOperationException" one.
 */
class MemoryEmbeddingStoreFilteringIT extends EmbeddingStoreWithFilteringIT {

    private final EmbeddingStore<TextSegment> embeddingStore = VectorStoreEmbeddingStore.builder(Backends.memory()).build();

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
