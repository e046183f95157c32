package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record's sparse values are half of it: a migration copies them exactly into a table that has their columns and
 * verifies them; into a table without them it refuses to start (dry run too) when the source holds any, and a batch
 * that meets some anyway fails by id instead of copying the dense half and calling it done.
 */
@ExtendWith(PostgresExtension.class)
class SparseValuesMigrationIT {

    private static final int DIMENSION = 4;
    private static final SparseValues SPARSE = SparseValues.of(new long[] {7, 1_000_000_007L, 4_294_967_295L},
            new float[] {0.5f, 0.1f, -1.0e-7f});

    private static PgVectorSettings settings(TestDatabase database, String table, UpgradeOptions upgrade) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION)
                .metric(DistanceMetric.DOTPRODUCT).build();
        SchemaManager.create(database.dataSource(), settings).upgrade(upgrade);
        return settings;
    }

    private static VectorStore source(List<VectorRecord> records) {
        VectorStore source = MemoryVectorStore.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT).build();
        source.upsert(records);
        return source;
    }

    private static List<VectorRecord> hybridRecords() {
        return List.of(
                VectorRecord.of("dense-1", new float[] {1, 0, 0, 0}, Map.of("kind", "dense")),
                VectorRecord.of("hybrid-1", new float[] {0, 1, 0, 0}, Map.of("kind", "hybrid")).withSparseValues(SPARSE),
                VectorRecord.of("dense-2", new float[] {0, 0, 1, 0}, Map.of("kind", "dense")));
    }

    @Test
    void sparseValuesAreCopiedExactlyAndVerified(TestDatabase database) {
        PgVectorSettings settings = settings(database, "sparse_copied", UpgradeOptions.latest());
        try (VectorStore source = source(hybridRecords());
             VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
            MigrationReport report = Migration.builder(source, PgVectorTarget.of(target)).runId("copied").workers(1).batchSize(10).build().run();

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(report.copied()).isEqualTo(3);
            assertThat(target.fetch(List.of("hybrid-1")).get("hybrid-1").sparseValues()).isEqualTo(SPARSE);
            assertThat(Verification.builder(source, target).build().run().passed()).isTrue();

            // Verification compares sparse values exactly: a changed value is a mismatch.
            target.update("hybrid-1", null, SparseValues.of(new long[] {7}, new float[] {0.5f}));
            VerificationReport changed = Verification.builder(source, target).build().run();
            assertThat(changed.passed()).isFalse();
            assertThat(String.join("\n", changed.problems())).contains("sparse values");
        }
    }

    @Test
    void aTargetWithoutTheColumnsIsRefusedBeforeAnythingIsWrittenDryRunToo(TestDatabase database) {
        PgVectorSettings settings = settings(database, "sparse_refused", UpgradeOptions.latest().to(3));
        try (VectorStore source = source(hybridRecords())) {
            for (boolean dryRun : new boolean[] {true, false}) {
                assertThatThrownBy(() -> Migration.builder(source, PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                        .runId("refused").workers(1).batchSize(10).dryRun(dryRun).build().run())
                        .isInstanceOfSatisfying(ConfigurationException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                        .hasMessageContaining("the source holds sparse values: run `vectorstore schema upgrade`")
                        .hasMessageContaining("hybrid-1");
            }
        }
        try (VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
            assertThat(target.stats().totalCount()).isZero();
        }
    }

    @Test
    void recordsWithSparseValuesBeyondTheCheckedSampleFailLoudlyInsteadOfLosingThem(TestDatabase database) {
        PgVectorSettings settings = settings(database, "sparse_sampled", UpgradeOptions.latest().to(3));
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            records.add(VectorRecord.of(String.format("a%03d", i), new float[] {1, 0, 0, i}, Map.of()));
        }
        records.add(VectorRecord.of("z-hybrid", new float[] {0, 1, 0, 0}, Map.of()).withSparseValues(SPARSE));
        try (VectorStore source = source(records)) {
            MigrationReport report = Migration.builder(source, PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .runId("sampled").workers(1).batchSize(50).build().run();

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED_WITH_FAILURES);
            assertThat(report.copied()).isEqualTo(120);
            assertThat(report.failures()).singleElement().satisfies(failure -> {
                assertThat(failure.id()).isEqualTo("z-hybrid");
                assertThat(failure.reason()).contains("sparse values").contains("nothing was written")
                        .contains("schema upgrade");
            });
        }
        try (VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
            assertThat(target.fetch(List.of("z-hybrid"))).isEmpty();
        }
    }
}
