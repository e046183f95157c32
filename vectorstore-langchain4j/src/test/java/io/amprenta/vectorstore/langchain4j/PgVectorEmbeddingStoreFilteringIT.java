package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's own filtering suite, unmodified, on PostgreSQL with pgvector (a table with its HNSW index, filters
 * compiled to SQL over jsonb).
 */
@ExtendWith(PostgresExtension.class)
class PgVectorEmbeddingStoreFilteringIT extends EmbeddingStoreWithFilteringIT {

    private static VectorStore store;

    private final EmbeddingStore<TextSegment> embeddingStore = VectorStoreEmbeddingStore.builder(store).build();

    @BeforeAll
    static void createStore(TestDatabase db) {
        store = Backends.pgvector(db, "lc4j_filtering");
    }

    @AfterAll
    static void closeStore() {
        store.close();
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
