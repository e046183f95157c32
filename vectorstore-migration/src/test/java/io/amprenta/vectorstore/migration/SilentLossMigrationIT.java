package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The quieter ways a copy can lose data, checked end to end from Pinecone (the emulator, through the real client) into
 * pgvector: metadata values that a JSON column might coerce (extreme and fractional numbers, the empty string and list,
 * duplicates in a list, Unicode and control characters, unusual keys), and ids that differ only by Unicode
 * normalization, case or surrounding white space, which must stay distinct records under their exact ids.
 */
@ExtendWith(PostgresExtension.class)
class SilentLossMigrationIT {

    private static final int DIMENSION = 4;

    /** Ids a normalizing, trimming or case-folding path would merge or rename. */
    static final List<String> LOOKALIKE_IDS = List.of("caf\u00e9", "cafe\u0301", "doc", "doc ", " doc", "DOC", "doc\t",
            "\uD83E\uDD80-1", "\uFF44oc", "doc\u00a0");

    static Map<String, Object> trickyMetadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("huge", 1e300);
        metadata.put("tiny", 4.9e-324);
        metadata.put("fraction", 0.1);
        metadata.put("pi", Math.PI);
        metadata.put("big-integer", 9_007_199_254_740_992.0);
        metadata.put("negative", -12.5);
        metadata.put("whole", 3.0);
        metadata.put("negative-zero", -0.0);
        metadata.put("empty", "");
        metadata.put("unicode", "\uD83E\uDD80 na\u00efve e\u0301 \u4e2d\u6587");
        metadata.put("padded", "  padded\t");
        metadata.put("escapes", "line\nbreak \"quoted\" back\\slash \u0001");
        metadata.put("flag", false);
        metadata.put("no-tags", List.of());
        metadata.put("repeated", List.of("x", "x", "", "y"));
        metadata.put("dotted.key", "d");
        metadata.put("$dollar", "s");
        metadata.put(" spaced key ", "k");
        metadata.put("\u043a\u043b\u044e\u0447", "v");
        return metadata;
    }

    @Test
    void everyRecordArrivesUnderItsExactIdWithItsExactMetadata(TestDatabase database) {
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < LOOKALIKE_IDS.size(); i++) {
            Map<String, Object> metadata = new LinkedHashMap<>(trickyMetadata());
            metadata.put("n", (double) i);
            records.add(VectorRecord.of(LOOKALIKE_IDS.get(i), TestData.unit(DIMENSION, i % DIMENSION), metadata));
        }
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).start();
             VectorStore source = VectorStores.get(emulator.hostConfig())) {
            emulator.load("", records);
            emulator.load("tenant", records.subList(0, 3));

            MigrationReport report = Migration.builder(source, PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .workers(2).batchSize(3).build().run();

            assertThat(report.outcome()).as(report.toString()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(report.copied()).isEqualTo(records.size() + 3);
            try (VectorStore target = PgVectorStore.builder().dataSource(database.dataSource()).settings(settings).build()) {
                Map<String, VectorRecord> copied = target.fetch(LOOKALIKE_IDS);
                assertThat(copied).hasSize(LOOKALIKE_IDS.size());
                for (VectorRecord record : records) {
                    assertThat(copied.get(record.id())).as("record %s", record.id()).isEqualTo(record);
                }
                assertThat(target.streamIds("").toList()).containsExactlyInAnyOrderElementsOf(LOOKALIKE_IDS);
                assertThat(target.inNamespace("tenant").fetch(LOOKALIKE_IDS).values()).containsExactlyInAnyOrderElementsOf(records.subList(0, 3));

                VerificationReport verification = Verification.builder(source, target).sampleSize(100).build().run();
                assertThat(verification.passed()).as(String.join("\n", verification.problems())).isTrue();
            }
        }
    }
}
