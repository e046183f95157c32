package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.conformance.VectorStoreConformanceKit;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
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

    /**
     * Stored values stay full precision, bit for bit, but the index's halfvec cast holds magnitudes up to 65,504
     * only: a record beyond that is refused by the store, before anything is written, instead of failing in SQL.
     */
    @Override
    @Test
    public void valuesRoundTripBitForBit() {
        VectorStore store = newStore();
        float[] awkward = {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, 65_000.5f, -0.1f, 1f / 3, (float) Math.PI, -1e4f};
        store.upsert(List.of(VectorRecord.of("awkward", awkward)));

        assertThat(store.fetch(List.of("awkward")).get("awkward").values()).containsExactly(awkward);
        float[] huge = awkward.clone();
        huge[3] = 3.4e38f;
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("huge", huge), VectorRecord.of("fine", awkward))))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NON_FINITE_VALUE))
                .hasMessageContaining("'huge'").hasMessageContaining("half-precision index");
        assertThatThrownBy(() -> store.update("awkward", huge, null))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(store.fetch(List.of("huge", "fine", "awkward"))).containsOnlyKeys("awkward");
        assertThat(store.fetch(List.of("awkward")).get("awkward").values()).containsExactly(awkward);
    }
}
