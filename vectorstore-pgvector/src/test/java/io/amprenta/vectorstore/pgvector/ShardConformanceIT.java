package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.conformance.VectorStoreConformanceKit;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.ShardedDatabase;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole contract holds for a table sharded by id across three servers through {@code postgres_fdw}: every
 * query merges the top-k of three shards, and every write is routed by PostgreSQL's hash partitioning.
 */
@ExtendWith(PostgresExtension.class)
class ShardConformanceIT extends VectorStoreConformanceKit {

    private static final AtomicInteger TABLES = new AtomicInteger();
    // One sharded table per dimension and metric, emptied for each test: creating one costs a schema upgrade on
    // every shard, and the kit asks for a fresh store 80 times.
    private static final Map<String, String> TABLE_BY_SHAPE = new ConcurrentHashMap<>();

    private final ShardedDatabase sharded;

    ShardConformanceIT(ShardedDatabase sharded) {
        this.sharded = sharded;
    }

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        TestDatabase coordinator = sharded.coordinator();
        String shape = dimension + "_" + metric.configName();
        String existing = TABLE_BY_SHAPE.get(shape);
        String table = existing != null ? existing : "shard_conformance_" + TABLES.incrementAndGet();
        if (existing == null) {
            PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(dimension).metric(metric).build();
            List<String> shards = sharded.shards(3).stream().map(TestDatabase::databaseUrl).toList();
            ShardedSchema.create(coordinator.dataSource(), settings, ShardedSchema.ShardKey.ID, shards)
                    .upgrade(UpgradeOptions.latest());
            TABLE_BY_SHAPE.put(shape, table);
        } else {
            // TRUNCATE of the parent reaches every shard through postgres_fdw.
            Sql.execute(coordinator.dataSource(), "TRUNCATE " + table);
        }
        Map<String, String> config = coordinator.config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(dimension));
        config.put("PGVECTOR_METRIC", metric.configName());
        config.put("PGVECTOR_POOL_SIZE", "2");
        return VectorStores.get(config);
    }
}
