package io.amprenta.vectorstore.springai;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;

/** Spring AI's own vector store suite, unmodified, on PostgreSQL with pgvector. */
@ExtendWith(PostgresExtension.class)
class PgVectorBaseVectorStoreIT extends BaseVectorStoreTests {

    private static VectorStore store;

    @BeforeAll
    static void createStore(TestDatabase db) {
        store = Backends.pgvector(db, "spring_ai_suite", DistanceMetric.COSINE);
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Override
    protected void executeTest(Consumer<org.springframework.ai.vectorstore.VectorStore> testFunction) {
        testFunction.accept(SpringAiVectorStore.builder(store, MiniLmEmbeddingModel.get()).build());
    }
}
