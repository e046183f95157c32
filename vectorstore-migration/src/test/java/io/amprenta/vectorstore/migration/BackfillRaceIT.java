package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.dualwrite.DualWriteVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.ForwardingVectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backfill race of a zero-downtime cutover: the application writes through a dual-write store (Pinecone first, then
 * pgvector) while the migrator copies. Updates are aimed at the batches in flight (made between the migrator's fetch and
 * its write, so its copy is stale when it writes) and others land at random moments; new records are inserted too. The
 * target must end equal to the source's newest state, exactly.
 */
@ExtendWith(PostgresExtension.class)
class BackfillRaceIT {

    private static final int DIMENSION = 8;
    private static final int RECORDS = 2_000;

    private TestDatabase database;
    private PineconeEmulator emulator;
    private VectorStore pinecone;
    private VectorStore pgvector;
    private DualWriteVectorStore application;

    @BeforeEach
    void setUp(TestDatabase classDatabase) {
        database = classDatabase.createAnother();
        SchemaManager.create(database.dataSource(), PgVectorSettings.builder().dimension(DIMENSION).build()).upgrade();
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("race").start();
        emulator.load("", TestData.randomRecords(new Random(3), RECORDS, DIMENSION, "doc-"));
        pinecone = VectorStores.get(emulator.hostConfig());
        Map<String, String> config = new HashMap<>(database.config());
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        pgvector = VectorStores.get(config);
        application = DualWriteVectorStore.builder(pinecone, pgvector).strict(true).build();
    }

    @AfterEach
    void tearDown() {
        pinecone.close();
        pgvector.close();
        emulator.close();
    }

    /**
     * @param copyThreshold below the batch size, batches take the bulk path (lookup, COPY, staged merge); above, the
     *     multi-row INSERT ... ON CONFLICT
     * @param existingRowsOnly the application's table already has a row per id and the migrator fills in embeddings
     *     (the UPDATE path)
     */
    @ParameterizedTest
    @CsvSource({"500, false", "10, false", "500, true", "10, true"})
    void writesMadeWhileABatchIsInFlightAreNeverOverwrittenByItsOlderCopy(int copyThreshold, boolean existingRowsOnly)
            throws Exception {
        if (existingRowsOnly) {
            insertRowsWithoutEmbedding(emulator.records("").stream().map(VectorRecord::id).toList());
        }
        Random random = new Random(copyThreshold);
        AtomicInteger version = new AtomicInteger();
        AtomicInteger aimedUpdates = new AtomicInteger();
        // Between the migrator's fetch and its write: a fifth of the batch is updated, and a record is inserted. The
        // application's writers never write one id at the same time (two concurrent dual writes of one id can reach
        // the two stores in opposite orders, migration or not); these take doc-N with N % 5 == 0, the others the rest.
        VectorStore source = new AfterFetch(pinecone, fetched -> {
            List<VectorRecord> updates = new ArrayList<>();
            for (String id : fetched.keySet()) {
                if (id.startsWith("doc-") && Integer.parseInt(id.substring(4)) % 5 == 0) {
                    updates.add(newVersion(id, version.incrementAndGet(), random));
                }
            }
            updates.add(newVersion("new-" + version.incrementAndGet(), version.get(), random));
            application.upsert(updates);
            aimedUpdates.addAndGet(updates.size());
        });
        // And at random moments, from another thread, as an application would.
        AtomicBoolean migrating = new AtomicBoolean(true);
        AtomicInteger randomUpdates = new AtomicInteger();
        Thread background = new Thread(() -> {
            Random own = new Random(17);
            while (migrating.get()) {
                int n = own.nextInt(RECORDS);
                String id = own.nextInt(4) == 0 ? "late-" + n : "doc-" + (n % 5 == 0 ? n + 1 : n);
                application.upsert(List.of(newVersion(id, 1_000_000 + randomUpdates.incrementAndGet(), own)));
            }
        });
        background.start();
        MigrationReport report;
        try {
            PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).copyThreshold(copyThreshold).build();
            PgVectorTarget target = PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings))
                    .withWriteOptions(existingRowsOnly ? PgWriteOptions.existingRowsOnly(null) : PgWriteOptions.upsert(null));
            report = Migration.builder(source, target).batchSize(100).workers(3).maxRequestsPerSecond(1_000)
                    .retryPolicy(RetryPolicy.builder().maxRetries(5).backoff(Duration.ofMillis(1), Duration.ofMillis(20)).build())
                    .build().run();
        } finally {
            migrating.set(false);
            background.join();
        }

        assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(aimedUpdates.get()).as("updates aimed at batches in flight").isGreaterThan(RECORDS / 5);
        assertThat(randomUpdates.get()).as("updates at random moments").isPositive();
        List<VectorRecord> newest = emulator.records("");
        Map<String, VectorRecord> copied = pgvector.fetch(newest.stream().map(VectorRecord::id).toList());
        assertThat(copied).hasSameSizeAs(newest);
        List<String> stale = newest.stream().filter(record -> !record.equals(copied.get(record.id())))
                .map(record -> record.id() + ": source " + record.metadata() + ", target " + copied.get(record.id()).metadata())
                .toList();
        assertThat(stale).as("target rows that differ from the source's newest state").isEmpty();
        assertThat(rowsWithEmbedding()).isEqualTo(newest.size());
    }

    private static VectorRecord newVersion(String id, int version, Random random) {
        return VectorRecord.of(id, TestData.randomVector(random, DIMENSION), Map.of("version", (double) version));
    }

    private void insertRowsWithoutEmbedding(List<String> ids) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO rag_chunks (id) SELECT unnest(?::text[])")) {
            insert.setArray(1, connection.createArrayOf("text", ids.toArray(String[]::new)));
            insert.executeUpdate();
        }
    }

    private long rowsWithEmbedding() throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** A source that hands each batch it fetched to {@code hook} before returning it, as a record of the moment. */
    private static final class AfterFetch extends ForwardingVectorStore {

        private final Consumer<Map<String, VectorRecord>> hook;

        AfterFetch(VectorStore delegate, Consumer<Map<String, VectorRecord>> hook) {
            super(delegate);
            this.hook = hook;
        }

        @Override
        public Map<String, VectorRecord> fetch(Collection<String> ids) {
            Map<String, VectorRecord> fetched = super.fetch(ids);
            hook.accept(fetched);
            return fetched;
        }

        @Override
        public VectorStore inNamespace(String namespace) {
            return new AfterFetch(delegate().inNamespace(namespace), hook);
        }
    }
}
