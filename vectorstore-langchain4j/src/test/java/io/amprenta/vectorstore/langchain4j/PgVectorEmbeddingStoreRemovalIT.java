package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** LangChain4j's own removal suite, unmodified, on PostgreSQL with pgvector; each test in a namespace of its own. */
@ExtendWith(PostgresExtension.class)
class PgVectorEmbeddingStoreRemovalIT extends EmbeddingStoreWithRemovalIT {

    private static VectorStore store;

    private final EmbeddingStore<TextSegment> embeddingStore =
            VectorStoreEmbeddingStore.builder(store).namespace(UUID.randomUUID().toString()).build();

    @BeforeAll
    static void createStore(TestDatabase db) {
        store = Backends.pgvector(db, "lc4j_removal");
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
}
