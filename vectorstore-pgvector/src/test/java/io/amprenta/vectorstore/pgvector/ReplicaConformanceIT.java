package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.conformance.VectorStoreConformanceKit;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.Replica;
import io.amprenta.vectorstore.testkit.postgres.ReplicatedDatabase;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole contract holds for a store whose reads go to a streaming replica (with the default read-your-writes,
 * {@code wait}): the conformance kit writes and reads back at once, which only passes if every read sees the store's
 * writes.
 */
@ExtendWith(PostgresExtension.class)
class ReplicaConformanceIT extends VectorStoreConformanceKit {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static Replica replica;

    private final ReplicatedDatabase replicated;

    ReplicaConformanceIT(ReplicatedDatabase replicated) {
        this.replicated = replicated;
    }

    @Override
    protected VectorStore createStore(int dimension, DistanceMetric metric) {
        synchronized (ReplicaConformanceIT.class) {
            if (replica == null) {
                replica = replicated.startReplica();
            }
        }
        String table = "replica_conformance_" + TABLES.incrementAndGet();
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(dimension).metric(metric).build();
        SchemaManager.create(replicated.primary().dataSource(), settings).upgrade();
        Map<String, String> config = replicated.primary().config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(dimension));
        config.put("PGVECTOR_METRIC", metric.configName());
        config.put("PGVECTOR_POOL_SIZE", "2");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        return VectorStores.get(config);
    }
}
