package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dry run of a migration whose source holds sparse values and whose table cannot keep them yet names the command
 * that really adds their columns; running exactly that command makes the dry run pass.
 */
@ExtendWith(PostgresExtension.class)
class SparseDryRunCommandIT {

    private static final int DIMENSION = 4;

    @Test
    void theDryRunNamesTheUpgradeThatExistsAndItIsEnough(TestDatabase database) {
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT)
                .indexName("hybrid").start()) {
            emulator.load("", List.of(VectorRecord.of("h", TestData.unit(DIMENSION, 0), Map.of())
                    .withSparseValues(SparseValues.of(new long[] {7, 4_294_967_295L}, new float[] {0.5f, 1}))));
            Map<String, String> environment = new HashMap<>(emulator.config());
            environment.putAll(database.config());
            environment.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
            environment.put("PGVECTOR_METRIC", "dotproduct");
            assertThat(CliRun.of(environment, "schema", "upgrade", "--to", "3").exitCode()).isZero();

            CliRun refused = CliRun.of(environment, "migrate", "--dry-run");
            assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(ExitCode.CONFIGURATION);
            assertThat(refused.err()).contains("the source holds sparse values: run `vectorstore schema upgrade`")
                    .contains("record 'h'").contains("Nothing was written").contains("docs/errors.md#sparse-values-unsupported")
                    .doesNotContain("--sparse");

            CliRun upgrade = CliRun.of(environment, "schema", "upgrade");
            assertThat(upgrade.exitCode()).as(upgrade.out() + upgrade.err()).isZero();
            CliRun planned = CliRun.of(environment, "migrate", "--dry-run");
            assertThat(planned.exitCode()).as(planned.out() + planned.err()).isZero();
            assertThat(planned.out()).contains("Dry run");
        }
    }
}
