package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The batch write path (ARCHITECTURE.md, "Batched writes"): a batch whose sampled ids have rows goes through the
 * session's staging table; one whose sample looks new but holds an existing id has its COPY undone and takes the
 * same way; either way every record ends up whole as last written, sparse values included (cleared when the new
 * version has none). The staging table is emptied by the merge that reads it, so two batches over the same ids in
 * one transaction each merge only their own rows.
 */
@ExtendWith(PostgresExtension.class)
class BatchedWriteIT {

    private static final int DIMENSION = 8;

    private final DataSource dataSource;

    BatchedWriteIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    private VectorStore store(String table) {
        // A threshold of 2 sends every batch here through the lookup, the COPY and the staged merge.
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION)
                .metric(DistanceMetric.DOTPRODUCT).copyThreshold(2).build();
        SchemaManager.create(dataSource, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        return PgVectorStore.builder().dataSource(dataSource).settings(settings).build();
    }

    private static VectorRecord record(String id, Random random, int version, boolean sparse) {
        VectorRecord record = VectorRecord.of(id, TestData.randomVector(random, DIMENSION), Map.of("version", version));
        return sparse ? record.withSparseValues(SparseValues.of(new long[] {version, 4_000_000_000L + version},
                new float[] {random.nextFloat(), -random.nextFloat()})) : record;
    }

    @Test
    void aBatchOfNewAndExistingIdsLeavesEveryRecordAsLastWritten() {
        try (VectorStore store = store("batched_mixed")) {
            Random random = new Random(14);
            Map<String, VectorRecord> expected = new LinkedHashMap<>();
            List<VectorRecord> first = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                first.add(record("r" + i, random, 1, true));
            }
            store.upsert(first);
            first.forEach(record -> expected.put(record.id(), record));

            // r5..r9 exist (r5 and r6 lose their sparse values, r7..r9 get other ones), r10..r14 are new; the sampled
            // r5 and r9 have rows, so the batch goes through the staging table.
            List<VectorRecord> second = new ArrayList<>();
            for (int i = 5; i < 15; i++) {
                second.add(record("r" + i, random, 2, i > 6));
            }
            store.upsert(second);
            second.forEach(record -> expected.put(record.id(), record));

            // In id order r15 .. r19, r2, r20, r21: first, middle and last are new, so the batch is COPYed straight
            // in, meets r2 and is merged instead; r2 loses its sparse values.
            List<VectorRecord> third = new ArrayList<>();
            for (int i : new int[] {15, 16, 17, 18, 19, 2, 20, 21}) {
                third.add(record("r" + i, random, 2, i != 2));
            }
            store.upsert(third);
            third.forEach(record -> expected.put(record.id(), record));

            Map<String, VectorRecord> fetched = store.fetch(new ArrayList<>(expected.keySet()));
            assertThat(fetched).hasSize(22);
            expected.forEach((id, record) -> {
                VectorRecord stored = fetched.get(id);
                assertThat(stored.values()).as(id).containsExactly(record.values());
                assertThat(stored.metadata()).as(id).isEqualTo(Map.of("version",
                        ((Number) record.metadata().get("version")).doubleValue()));
                assertThat(stored.sparseValues()).as(id).isEqualTo(record.sparseValues());
            });
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM batched_mixed WHERE embedding_sparse_indices IS NULL"))
                    .as("r2, r5 and r6 lost their old sparse values").isEqualTo(3);
        }
    }

    @Test
    void twoBatchesOverTheSameIdsInOneTransactionEachMergeOnlyTheirOwnRows() throws Exception {
        try (VectorStore store = store("batched_twice")) {
            Random random = new Random(7);
            List<VectorRecord> original = new ArrayList<>();
            List<VectorRecord> once = new ArrayList<>();
            List<VectorRecord> twice = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                original.add(record("r" + i, random, 1, false));
                once.add(record("r" + i, random, 2, true));
                twice.add(record("r" + i, random, 3, i % 2 == 0));
            }
            store.upsert(original);
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                table.write(connection, "", once, PgWriteOptions.upsert(null));
                // Left behind in the staging table, the first batch's rows would meet the second's in one merge,
                // which PostgreSQL refuses (a row affected twice) or would apply in the wrong order.
                table.write(connection, "", twice, PgWriteOptions.upsert(null));
                connection.commit();
            }
            Map<String, VectorRecord> fetched = store.fetch(twice.stream().map(VectorRecord::id).toList());
            for (VectorRecord record : twice) {
                assertThat(fetched.get(record.id()).values()).as(record.id()).containsExactly(record.values());
                assertThat(fetched.get(record.id()).sparseValues()).as(record.id()).isEqualTo(record.sparseValues());
                assertThat(fetched.get(record.id()).metadata()).isEqualTo(Map.of("version", 3.0));
            }
        }
    }
}
