package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.conformance.VectorStoreConformanceKit;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pgvector backend keeps the whole contract against a real PostgreSQL with pgvector. Each store gets a table of
 * its own, prepared by {@link SchemaManager#upgrade()} (so with its HNSW index), and is obtained the way
 * applications obtain it: {@code VectorStores.get(config)} with {@code VECTOR_BACKEND=pgvector}.
 */
@ExtendWith(PostgresExtension.class)
class PgVectorConformanceIT extends VectorStoreConformanceKit {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final TestDatabase db;

    PgVectorConformanceIT(TestDatabase db) {
        this.db = db;
    }

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        String table = "conformance_" + TABLES.incrementAndGet();
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(dimension).metric(metric).build();
        SchemaManager.create(db.dataSource(), settings).upgrade();
        Map<String, String> config = db.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(dimension));
        config.put("PGVECTOR_METRIC", metric.configName());
        config.put("PGVECTOR_POOL_SIZE", "4");
        return VectorStores.get(config);
    }
}
