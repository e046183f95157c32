package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records the target cannot take, whichever step finds them (listing, fetch, conversion, write), are marked failed with
 * their reason and the run goes on: the source is the Pinecone emulator through the real client, the target a real
 * pgvector table.
 */
@ExtendWith(PostgresExtension.class)
class RecordFailuresIT {

    private static final int DIMENSION = 8;

    /** One kind of bad record, how it is seeded and what its failure reason must say. */
    enum Kind {
        NUL_ID("NUL character"),
        TOO_LONG_ID("513 characters long"),
        NESTED_METADATA("a nested object"),
        NUMBER_LIST_METADATA("a list holding a number"),
        NAN_VALUE("NaN");

        final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        /** Seeds the {@code n}-th bad record of this kind; returns its id. */
        String seed(PineconeEmulator emulator, String namespace, int n, Random random) {
            float[] values = TestData.randomVector(random, DIMENSION);
            switch (this) {
                case NUL_ID -> {
                    String id = "doc-" + n + "\0nul";
                    emulator.load(namespace, List.of(VectorRecord.of(id, values)));
                    return id;
                }
                case TOO_LONG_ID -> {
                    String id = ("doc-" + n + "-").repeat(200).substring(0, 513);
                    emulator.load(namespace, List.of(VectorRecord.of(id, values)));
                    return id;
                }
                case NESTED_METADATA -> {
                    String id = "doc-" + n + "-nested";
                    Struct inner = Struct.newBuilder().putFields("a", Value.newBuilder().setStringValue("b").build()).build();
                    emulator.loadWithRawMetadata(namespace, id, values, Struct.newBuilder()
                            .putFields("genre", Value.newBuilder().setStringValue("drama").build())
                            .putFields("nested", Value.newBuilder().setStructValue(inner).build()).build());
                    return id;
                }
                case NUMBER_LIST_METADATA -> {
                    String id = "doc-" + n + "-numbers";
                    ListValue numbers = ListValue.newBuilder().addValues(Value.newBuilder().setNumberValue(1))
                            .addValues(Value.newBuilder().setNumberValue(2)).build();
                    emulator.loadWithRawMetadata(namespace, id, values, Struct.newBuilder()
                            .putFields("scores", Value.newBuilder().setListValue(numbers).build()).build());
                    return id;
                }
                case NAN_VALUE -> {
                    String id = "doc-" + n + "-nan";
                    values[0] = Float.NaN;
                    emulator.load(namespace, List.of(VectorRecord.of(id, values)));
                    return id;
                }
                default -> throw new IllegalStateException(name());
            }
        }
    }

    private TestDatabase database;
    private PineconeEmulator emulator;
    private PgVectorSettings settings;

    @BeforeEach
    void setUp(TestDatabase classDatabase) throws SQLException {
        database = classDatabase.createAnother();
        settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("bad-records").start();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    private MigrationReport migrate(boolean resume) {
        return Migration.builder(VectorStoreConfig.of(emulator.hostConfig()),
                        PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                .batchSize(100).workers(3).resume(resume)
                .retryPolicy(RetryPolicy.builder().maxRetries(3).backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build())
                .build().run();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oneBadRecordFailsAloneAndTheRunGoesOn(Kind kind) throws SQLException {
        Random random = new Random(kind.ordinal());
        List<VectorRecord> good = TestData.randomRecords(random, 450, DIMENSION, "doc-");
        emulator.load("", good);
        String bad = kind.seed(emulator, "", 200, random);

        MigrationReport report = migrate(false);

        assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED_WITH_FAILURES);
        assertThat(report.copied()).isEqualTo(good.size());
        assertThat(report.failedCount()).isEqualTo(1);
        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.id()).isEqualTo(bad);
            assertThat(failure.reason()).contains(kind.reason);
        });
        assertTargetHoldsExactly(Map.of("", good));
    }

    @Test
    void badRecordsOfEveryKindMixedIntoALargeRunFailByIdAndResumeRetriesThem() throws SQLException {
        Random random = new Random(42);
        Map<String, List<VectorRecord>> good = new HashMap<>();
        good.put("", TestData.randomRecords(random, 4_000, DIMENSION, "doc-"));
        good.put("tenant-b", TestData.randomRecords(random, 1_500, DIMENSION, "doc-"));
        good.forEach(emulator::load);
        Map<String, String> badIds = new HashMap<>(); // "namespace/id" -> reason
        int n = 0;
        for (String namespace : good.keySet()) {
            for (Kind kind : Kind.values()) {
                for (int copy = 0; copy < 3; copy++) {
                    n += 97;
                    badIds.put(namespace + "/" + kind.seed(emulator, namespace, n, random), kind.reason);
                }
            }
        }

        MigrationReport report = migrate(false);

        assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED_WITH_FAILURES);
        assertThat(report.copied()).isEqualTo(5_500);
        assertThat(report.failedCount()).isEqualTo(badIds.size());
        Map<String, String> reported = report.failures().stream()
                .collect(Collectors.toMap(failure -> failure.namespace() + "/" + failure.id(), FailedRecord::reason));
        assertThat(reported).hasSameSizeAs(badIds);
        badIds.forEach((key, reason) -> assertThat(reported.get(key)).as(key).contains(reason));
        assertTargetHoldsExactly(good);

        // The nested metadata is repaired at the source; resume retries every failed record and copies that one.
        String repaired = badIds.keySet().stream().filter(key -> key.startsWith("/") && key.endsWith("-nested")).findFirst()
                .orElseThrow().substring(1);
        VectorRecord fixed = VectorRecord.of(repaired, TestData.randomVector(random, DIMENSION), Map.of("genre", "drama"));
        emulator.load("", List.of(fixed));

        MigrationReport resumed = migrate(true);

        assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED_WITH_FAILURES);
        assertThat(resumed.copied()).isEqualTo(1);
        assertThat(resumed.failedCount()).isEqualTo(badIds.size() - 1);
        List<VectorRecord> withFixed = new ArrayList<>(good.get(""));
        withFixed.add(fixed);
        good.put("", withFixed);
        assertTargetHoldsExactly(good);
    }

    private void assertTargetHoldsExactly(Map<String, List<VectorRecord>> expected) throws SQLException {
        Map<String, String> config = new HashMap<>(database.config());
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        long total = 0;
        try (VectorStore target = VectorStores.get(config)) {
            for (Map.Entry<String, List<VectorRecord>> namespace : expected.entrySet()) {
                Map<String, VectorRecord> actual = target.inNamespace(namespace.getKey())
                        .fetch(namespace.getValue().stream().map(VectorRecord::id).toList());
                assertThat(actual).hasSize(namespace.getValue().size());
                namespace.getValue().forEach(record -> assertThat(actual.get(record.id())).as(record.id()).isEqualTo(record));
                total += namespace.getValue().size();
            }
        }
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM rag_chunks")) {
            rows.next();
            assertThat(rows.getLong(1)).as("rows in the target").isEqualTo(total);
        }
    }
}
