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
 * The whole contract holds on a table partitioned by namespace ({@code schema upgrade --partition-by namespace}):
 * every namespace the kit writes gets its partition on its first write, {@code deleteAll} truncates it, and queries
 * are pruned to one partition.
 */
@ExtendWith(PostgresExtension.class)
class PartitionedConformanceIT extends VectorStoreConformanceKit {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final TestDatabase db;

    PartitionedConformanceIT(TestDatabase db) {
        this.db = db;
    }

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        String table = "partitioned_" + TABLES.incrementAndGet();
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(dimension).metric(metric).build();
        SchemaManager.create(db.dataSource(), settings).upgrade(UpgradeOptions.latest().partitionBy(Partitioning.NAMESPACE));
        Map<String, String> config = db.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(dimension));
        config.put("PGVECTOR_METRIC", metric.configName());
        config.put("PGVECTOR_POOL_SIZE", "4");
        return VectorStores.get(config);
    }
}
