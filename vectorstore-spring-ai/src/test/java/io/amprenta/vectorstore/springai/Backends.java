package io.amprenta.vectorstore.springai;

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

    static VectorStore memory() {
        return VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", String.valueOf(MiniLmEmbeddingModel.DIMENSION)));
    }

    static VectorStore pgvector(TestDatabase db, String table, DistanceMetric metric) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(MiniLmEmbeddingModel.DIMENSION)
                .metric(metric).build();
        SchemaManager.create(db.dataSource(), settings).upgrade();
        Map<String, String> config = db.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_METRIC", metric.configName());
        config.put("PGVECTOR_POOL_SIZE", "2");
        return VectorStores.get(config);
    }

    static PineconeEmulator pineconeEmulator() {
        return PineconeEmulator.builder().dimension(MiniLmEmbeddingModel.DIMENSION).metric(DistanceMetric.COSINE).start();
    }
}
