package io.amprenta.vectorstore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.migration.MigrationReport;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class EmbeddedMigrationExampleIT {

    @Test
    void migratesWithProgressEvents(TestDatabase database) {
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(8).metric(DistanceMetric.COSINE).indexName("docs").start()) {
            emulator.load("", TestData.randomRecords(new Random(1), 2_500, 8, "doc-"));
            Map<String, String> environment = new HashMap<>(emulator.config());
            environment.putAll(database.config());
            environment.put("PGVECTOR_DIMENSION", "8");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            MigrationReport report = EmbeddedMigrationExample.run(environment, new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(report.totalDone()).isEqualTo(2_500);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("copying 2,500 records in 3 batches")
                    .contains("batch of 1000 in namespace ''").contains("COMPLETED");
        }
    }
}
