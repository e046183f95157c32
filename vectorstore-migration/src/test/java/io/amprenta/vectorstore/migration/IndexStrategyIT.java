package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.SchemaStatus;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a migration does with the target's HNSW index (ARCHITECTURE.md, "Index strategy"): by default it defers the
 * index of a table being filled (and rebuilds it with its own name and options) and keeps the index of a table being
 * read; the explicit strategies win; a run that completes a copy another run left with a dropped index rebuilds it.
 * Whether the index exists while batches commit is observed from a listener, in the database itself.
 */
@ExtendWith(PostgresExtension.class)
class IndexStrategyIT {

    private static final int DIMENSION = 8;
    private static final int RECORDS = 200;

    private String table;
    private String ownIndex;
    private PgVectorSettings settings;
    private DataSource dataSource;
    private PineconeEmulator emulator;
    private VectorStore source;
    private List<VectorRecord> records;

    @BeforeEach
    void prepare(TestDatabase database, TestInfo test) throws SQLException {
        // The database is the class's: each test has a table, an index name and runs of its own.
        table = "t_" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT).substring(0, 20);
        ownIndex = table + "_app_idx";
        dataSource = database.dataSource();
        settings = PgVectorSettings.builder().table(table).dimension(DIMENSION).metric(DistanceMetric.COSINE).build();
        SchemaManager.create(dataSource, settings).upgrade();
        // The application's own index, under its own name and options, replaces the library's.
        sql("DROP INDEX " + index().orElseThrow());
        sql("CREATE INDEX " + ownIndex + " ON " + table + " USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32)");
        records = TestData.randomRecords(new Random(5), RECORDS, DIMENSION, "doc-");
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).start();
        source = VectorStores.get(emulator.hostConfig());
        emulator.load("", records);
    }

    @AfterEach
    void close() {
        source.close();
        emulator.close();
    }

    @Test
    void anEmptyTableIsFilledWithItsIndexDeferredThenRebuiltWithItsOwnNameAndOptions() throws SQLException {
        String definition = definition(ownIndex);
        Observed observed = new Observed();

        MigrationReport report = migration(observed).build().run();

        assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        IndexDecision decision = observed.plan.get().index();
        assertThat(decision.requested()).isEqualTo(IndexStrategy.AUTO);
        assertThat(decision.defer()).isTrue();
        assertThat(decision.index()).contains(ownIndex);
        assertThat(decision.reason()).contains("being filled, not served").contains("never served a scan");
        assertThat(observed.indexWhileCopying).as("the index while batches committed").containsOnly(Optional.empty());
        assertThat(definition(ownIndex)).as("rebuilt as it was").isEqualTo(definition);
        assertThat(status().deferredIndexes()).isEmpty();
    }

    @Test
    void aTableAlreadyHoldingEmbeddedRowsKeepsItsIndex() throws SQLException {
        writeDirectly(records.subList(0, 40)); // 40 of the 160 left to copy: at least 10 %

        Observed observed = new Observed();
        MigrationReport report = migration(observed).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        IndexDecision decision = observed.plan.get().index();
        assertThat(decision.defer()).isFalse();
        assertThat(decision.reason()).contains("already holds 40 embedded rows");
        assertThat(observed.indexWhileCopying).containsOnly(Optional.of(ownIndex));
    }

    @Test
    void aTableWhoseIndexServesScansKeepsItsIndex() throws Exception {
        writeDirectly(records.subList(0, 1));
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> readContinuously(reading));
        reader.start();
        try {
            awaitScans();
            Observed observed = new Observed();
            MigrationReport report = migration(observed).build().run();

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(observed.plan.get().index().defer()).isFalse();
            assertThat(observed.plan.get().index().reason()).contains("an application reads the table");
            assertThat(observed.indexWhileCopying).containsOnly(Optional.of(ownIndex));
        } finally {
            reading.set(false);
            reader.join();
        }
    }

    @Test
    void theExplicitStrategiesWin() throws SQLException {
        Observed kept = new Observed();
        migration(kept).indexStrategy(IndexStrategy.KEEP).namespaces(List.of("")).build().run();
        assertThat(kept.plan.get().index().reason()).contains("--keep-index");
        assertThat(kept.indexWhileCopying).containsOnly(Optional.of(ownIndex));

        // Now the table is full, which alone would keep the index.
        String definition = definition(ownIndex);
        emulator.load("", TestData.randomRecords(new Random(6), RECORDS, DIMENSION, "more-"));
        Observed deferred = new Observed();
        migration(deferred).indexStrategy(IndexStrategy.DEFER).runId(table + "-second").build().run();
        assertThat(deferred.plan.get().index().reason()).contains("--defer-index");
        assertThat(deferred.indexWhileCopying).containsOnly(Optional.empty());
        assertThat(definition(ownIndex)).isEqualTo(definition);
    }

    @Test
    void aDryRunSaysWhatItWouldDoAndCostsAndChangesNothing() throws SQLException {
        Observed observed = new Observed();
        MigrationReport report = migration(observed).dryRun(true).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.DRY_RUN);
        IndexDecision decision = observed.plan.get().index();
        assertThat(decision.describe()).startsWith("the vector index " + ownIndex + " is dropped during the copy and rebuilt"
                + " at the end: the table is being filled");
        assertThat(decision.estimates()).hasSize(3);
        assertThat(decision.estimates().get(0)).startsWith("keeping the index: 200 rows inserted into the HNSW graph");
        assertThat(decision.estimates().get(1)).startsWith("deferring it: the copy");
        assertThat(decision.estimates().get(2)).contains("scaled to 8 dimensions and ef_construction 32");
        assertThat(decision.estimatedTime()).isPresent();
        assertThat(index()).contains(ownIndex);
        assertThat(status().deferredIndexes()).isEmpty();
    }

    @Test
    void aResumedRunRebuildsAnIndexAnEarlierRunDroppedEvenWhenAskedToKeepIt() throws SQLException {
        String definition = definition(ownIndex);
        AtomicReference<Migration> first = new AtomicReference<>();
        first.set(migration(new MigrationListener() {
            @Override
            public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                first.get().stop(); // as a crash would, after the drop and some batches
            }
        }).workers(1).build());
        assertThat(first.get().run().outcome()).isEqualTo(MigrationReport.Outcome.INTERRUPTED);
        SchemaStatus between = status();
        assertThat(between.vectorIndex()).isEmpty();
        assertThat(between.deferredIndexes()).containsExactly(definition);
        assertThat(between.describe()).contains("deferred index:   " + definition);
        assertThat(between.problems()).anySatisfy(problem -> assertThat(problem).contains("dropped for a bulk load")
                .contains("migrate --resume"));

        Observed resumed = new Observed();
        MigrationReport report = migration(resumed).indexStrategy(IndexStrategy.KEEP).resume(true).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(resumed.plan.get().index().defer()).isTrue();
        assertThat(resumed.plan.get().index().reason()).contains("an earlier run dropped it");
        assertThat(definition(ownIndex)).isEqualTo(definition);
        assertThat(status().deferredIndexes()).isEmpty();
    }

    // ---- helpers ----

    private Migration.Builder migration(MigrationListener listener) {
        return Migration.builder(source, PgVectorTarget.of(PgVectorTable.open(dataSource, settings)))
                .runId(table).workers(2).batchSize(50).listener(listener);
    }

    /** Records the plan, and which vector index exists each time a batch commits. */
    private final class Observed implements MigrationListener {
        final AtomicReference<MigrationPlan> plan = new AtomicReference<>();
        final List<Optional<String>> indexWhileCopying = new CopyOnWriteArrayList<>();

        @Override
        public void started(MigrationPlan started) {
            plan.set(started);
        }

        @Override
        public void batchCommitted(String namespace, int copied, int failed, Duration took) {
            try {
                indexWhileCopying.add(index());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Optional<String> index() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT indexname FROM pg_indexes WHERE tablename = '" + table + "'"
                     + " AND indexdef LIKE '%USING hnsw%'")) {
            return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
    }

    private String definition(String index) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = '" + index + "'")) {
            assertThat(rows.next()).as("index %s exists", index).isTrue();
            return rows.getString(1);
        }
    }

    private SchemaStatus status() {
        return SchemaManager.create(dataSource, settings).status();
    }

    private void writeDirectly(List<VectorRecord> rows) {
        PgVectorTarget.of(PgVectorTable.open(dataSource, settings)).write("", rows);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    // An application reading through the index, as fast as it can (the planner would scan a table this small).
    private void readContinuously(AtomicBoolean reading) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            while (reading.get()) {
                try (ResultSet rows = s.executeQuery("SELECT id FROM " + table + " ORDER BY embedding <=> '[1,0,0,0,0,0,0,0]'"
                        + " LIMIT 5")) {
                    while (rows.next()) {
                        rows.getString(1);
                    }
                }
                Thread.sleep(20);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // The reader's scans reach the statistics when its backend flushes them (at most once a second).
    private void awaitScans() throws SQLException, InterruptedException {
        PgVectorTarget target = PgVectorTarget.of(PgVectorTable.open(dataSource, settings));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (target.indexScans(ownIndex) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(target.indexScans(ownIndex)).isPositive();
    }
}
