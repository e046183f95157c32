package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.conformance.VectorStoreConformanceKit;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole contract on tables whose HNSW index works in half precision at the kit's small dimensions
 * ({@code PGVECTOR_INDEX_PRECISION=half}): the kit's exact scores and orders hold because the index's candidates
 * are re-scored from the full-precision column.
 */
@ExtendWith(PostgresExtension.class)
class HalfPrecisionConformanceIT extends VectorStoreConformanceKit {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final TestDatabase db;

    HalfPrecisionConformanceIT(TestDatabase db) {
        this.db = db;
    }

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        String table = "half_conformance_" + TABLES.incrementAndGet();
        Map<String, String> config = db.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(dimension));
        config.put("PGVECTOR_METRIC", metric.configName());
        config.put("PGVECTOR_INDEX_PRECISION", "half");
        config.put("PGVECTOR_POOL_SIZE", "2");
        PgVectorSettings settings = PgVectorSettings.fromConfig(VectorStoreConfig.of(config));
        SchemaManager.create(db.dataSource(), settings).upgrade();
        VectorStore store = VectorStores.get(config);
        assertThat(store.unwrap(PgVectorTable.class).vectorIndex()).as("the half-precision index serves " + table)
                .hasValue(table + "_embedding_hnsw");
        return store;
    }
}
