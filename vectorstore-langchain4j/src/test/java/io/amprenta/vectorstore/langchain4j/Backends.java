package io.amprenta.vectorstore.langchain4j;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.Map;

/** The three real backends the suites run against, each obtained the way applications obtain it. */
final class Backends {

    private Backends() {
    }

    /** The exact in-memory backend. */
    static VectorStore memory() {
        return VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", String.valueOf(Models.DIMENSION)));
    }

    /** PostgreSQL with pgvector: a table prepared by the schema manager (with its HNSW index), cosine. */
    static VectorStore pgvector(TestDatabase db, String table) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(Models.DIMENSION)
                .metric(DistanceMetric.COSINE).build();
        SchemaManager.create(db.dataSource(), settings).upgrade();
        Map<String, String> config = db.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_POOL_SIZE", "2");
        return VectorStores.get(config);
    }

    /** The Pinecone emulator, through the real pinecone-client over gRPC. */
    static PineconeEmulator pineconeEmulator() {
        return PineconeEmulator.builder().dimension(Models.DIMENSION).metric(DistanceMetric.COSINE).start();
    }

    static VectorStore pinecone(PineconeEmulator emulator) {
        return VectorStores.get(emulator.hostConfig());
    }
}
