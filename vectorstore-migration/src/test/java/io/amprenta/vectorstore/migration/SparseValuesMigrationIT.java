package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record's sparse values are half of it: a migration into a pgvector table that cannot hold them yet must not copy
 * the dense half and call it done. Such records fail by id, with the reason, and their neighbours are copied.
 */
@ExtendWith(PostgresExtension.class)
class SparseValuesMigrationIT {

    private static final int DIMENSION = 4;

    @Test
    void recordsWithSparseValuesFailLoudlyInsteadOfLosingThem(TestDatabase database) {
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        try (VectorStore source = MemoryVectorStore.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT).build()) {
            source.upsert(List.of(
                    VectorRecord.of("dense-1", new float[] {1, 0, 0, 0}, Map.of("kind", "dense")),
                    VectorRecord.of("hybrid-1", new float[] {0, 1, 0, 0}, Map.of("kind", "hybrid"))
                            .withSparseValues(SparseValues.of(new long[] {7, 4_000_000_000L}, new float[] {0.5f, 0.25f})),
                    VectorRecord.of("dense-2", new float[] {0, 0, 1, 0}, Map.of("kind", "dense"))));

            MigrationReport report = Migration.builder(source, PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .workers(1).batchSize(10).build().run();

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED_WITH_FAILURES);
            assertThat(report.copied()).isEqualTo(2);
            assertThat(report.failures()).singleElement().satisfies(failure -> {
                assertThat(failure.id()).isEqualTo("hybrid-1");
                assertThat(failure.reason()).contains("sparse values").contains("nothing was written");
            });
        }
        try (VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
            assertThat(target.fetch(List.of("dense-1", "hybrid-1", "dense-2"))).containsOnlyKeys("dense-1", "dense-2");
        }
    }
}
