package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.QuotaExhaustedException;
import io.amprenta.vectorstore.RateLimitedException;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The migration engine against real PostgreSQL, with a plain table as target and scripted sources. */
@ExtendWith(PostgresExtension.class)
class MigrationEngineIT {

    private static final int DIMENSION = 8;

    private TestDatabase database;
    private ScriptedSource source;
    private List<VectorRecord> defaultNamespace;
    private List<VectorRecord> otherNamespace;

    @BeforeEach
    void setUp(TestDatabase classDatabase) throws SQLException {
        database = classDatabase.createAnother();
        VectorStore memory = MemoryVectorStore.builder().dimension(DIMENSION).build();
        Random random = new Random(7);
        defaultNamespace = TestData.randomRecords(random, 1_234, DIMENSION, "doc-");
        otherNamespace = TestData.randomRecords(random, 321, DIMENSION, "other-");
        memory.upsert(defaultNamespace);
        memory.inNamespace("tenant-b").upsert(otherNamespace);
        source = new ScriptedSource(memory);
    }

    private Migration.Builder migration(TableTarget target) {
        return Migration.builder(source, target).batchSize(100).workers(3).lease(Duration.ofSeconds(2))
                .retryPolicy(RetryPolicy.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(50)).maxRetries(19).build());
    }

    private void assertTargetEqualsSource(TableTarget target) throws SQLException {
        Map<String, TableTarget.Row> rows = target.rows();
        assertThat(rows).hasSize(defaultNamespace.size() + otherNamespace.size());
        assertCopied(rows, "", defaultNamespace);
        assertCopied(rows, "tenant-b", otherNamespace);
    }

    private static void assertCopied(Map<String, TableTarget.Row> rows, String namespace, List<VectorRecord> records) {
        for (VectorRecord record : records) {
            TableTarget.Row row = rows.get(namespace + "/" + record.id());
            assertThat(row).as(record.id()).isNotNull();
            assertThat(row.values()).as(record.id()).containsExactly(record.values());
            assertThat(row.metadata()).as(record.id()).isEqualTo(record.metadata());
            assertThat(row.writes()).as("writes of %s", record.id()).isEqualTo(1);
        }
    }

    @Test
    void copiesEveryNamespaceExactlyOnce() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        List<Integer> batchSizes = new ArrayList<>();

        MigrationReport report = migration(target.writingWith(new PgWriteOptions("minilm", true, true)))
                .listener(new MigrationListener() {
                    @Override
                    public synchronized void batchCommitted(String namespace, int copied, int failed, Duration took) {
                        batchSizes.add(copied);
                    }
                }).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(report.copied()).isEqualTo(1_555);
        assertThat(report.totalDone()).isEqualTo(1_555);
        assertThat(report.failedCount()).isZero();
        assertTargetEqualsSource(target);
        assertThat(target.rows().values()).allSatisfy(row -> assertThat(row.model()).isEqualTo("minilm"));
        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(100));
        assertThat(source.script().fetches.get()).isEqualTo(batchSizes.size());
        assertThat(target.analyzes).as("statistics refreshed once the load is complete").isEqualTo(1);
    }

    @Test
    void aRunWithProgressNeedsResumeAndThenSkipsWhatIsDone() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        migration(target).build().run();
        int fetchesOfFirstRun = source.script().fetches.get();

        assertThatThrownBy(() -> migration(target).build().run())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_RUN_EXISTS))
                .hasMessageContaining("'default' already has progress").hasMessageContaining("1555 done")
                .hasMessageContaining("--resume");
        MigrationReport resumed = migration(target).resume(true).build().run();

        assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(resumed.copied()).isZero();
        assertThat(resumed.alreadyDone()).isEqualTo(1_555);
        assertThat(source.script().fetches.get()).isEqualTo(fetchesOfFirstRun);
        assertTargetEqualsSource(target);
        assertThat(target.analyzes).as("a resume that copied nothing leaves the statistics alone").isEqualTo(1);
    }

    @Test
    void badRecordsAreSetAsideWithReasonsAndRetriedOnResume() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        source.script().alter = record -> switch (record.id()) {
            case "doc-7" -> record.withValues(new float[] {1, 2, 3});
            case "doc-8" -> {
                float[] values = record.values();
                values[2] = Float.NaN;
                yield record.withValues(values);
            }
            default -> record;
        };

        MigrationReport report = migration(target).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED_WITH_FAILURES);
        assertThat(report.failedCount()).isEqualTo(2);
        assertThat(report.failures()).extracting(FailedRecord::id).containsExactly("doc-7", "doc-8");
        assertThat(report.failures().get(0).reason()).contains("has 3 dimensions but the store expects 8");
        assertThat(report.failures().get(1).reason()).contains("NaN at position 2");
        assertThat(target.rows()).hasSize(1_553).doesNotContainKeys("/doc-7", "/doc-8");

        source.script().alter = record -> record;
        MigrationReport resumed = migration(target).resume(true).build().run();

        assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(resumed.copied()).isEqualTo(2);
        assertTargetEqualsSource(target);
    }

    @Test
    void aRecordTheTargetRejectsIsIsolatedFromItsBatch() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION) {
            @Override
            public Set<String> write(Connection connection, String namespace, List<VectorRecord> records) throws SQLException {
                if (records.stream().anyMatch(record -> record.id().equals("doc-500"))) {
                    throw new InvalidRequestException(ErrorCode.UNSUPPORTED_METADATA, "target refuses doc-500");
                }
                return super.write(connection, namespace, records);
            }
        };

        MigrationReport report = migration(target).build().run();

        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.id()).isEqualTo("doc-500");
            assertThat(failure.reason()).isEqualTo("target refuses doc-500");
        });
        assertThat(target.rows()).hasSize(1_554);
    }

    @Test
    void rateLimitingIsRiddenOutAndSlowsTheSharedPace() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        source.script().fetchFailure = () -> new RateLimitedException("429 Too Many Requests", null, null);
        source.script().failEveryNthFetch = 3;
        List<Double> paces = new ArrayList<>();

        MigrationReport report = migration(target).maxRequestsPerSecond(1_000).listener(new MigrationListener() {
            @Override
            public synchronized void throttled(String operation, double requestsPerSecond) {
                paces.add(requestsPerSecond);
            }
        }).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertTargetEqualsSource(target);
        assertThat(paces).isNotEmpty().allSatisfy(pace -> assertThat(pace).isLessThan(1_000));
    }

    @Test
    void anAuthenticationErrorStopsAtOnceResumably() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        AtomicInteger fetches = new AtomicInteger();
        source.script().beforeFetch = () -> {
            if (fetches.incrementAndGet() > 4) {
                throw new AuthenticationException("Pinecone rejected the API key (UNAUTHENTICATED)", null);
            }
        };

        MigrationReport stopped = migration(target).build().run();

        assertThat(stopped.outcome()).isEqualTo(MigrationReport.Outcome.STOPPED);
        assertThat(stopped.message()).contains("rejected the API key").contains("--resume");
        assertThat(fetches.get()).as("no retries of an authentication error").isLessThanOrEqualTo(4 + 3);
        assertThat(count("SELECT count(*) FROM migration_batches WHERE claimed_by IS NOT NULL")).as("claims released").isZero();

        source.script().beforeFetch = () -> { };
        MigrationReport resumed = migration(target).resume(true).build().run();
        assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertTargetEqualsSource(target);
    }

    @Test
    void anExhaustedQuotaStopsWithoutRetrying() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        source.script().fetchFailure = () -> new QuotaExhaustedException("monthly read unit limit reached", null);

        MigrationReport stopped = migration(target).build().run();

        assertThat(stopped.outcome()).isEqualTo(MigrationReport.Outcome.STOPPED);
        assertThat(stopped.message()).contains("monthly read unit limit");
        assertThat(source.script().fetches.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void twoMigrationsOnOneRunShareTheWorkWithNothingDoneTwice() throws Exception {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        source.script().beforeFetch = () -> sleep(2);

        CompletableFuture<MigrationReport> first = CompletableFuture.supplyAsync(() -> migration(target).resume(true).build().run());
        CompletableFuture<MigrationReport> second = CompletableFuture.supplyAsync(() -> migration(target).resume(true).build().run());
        MigrationReport a = first.get(2, TimeUnit.MINUTES);
        MigrationReport b = second.get(2, TimeUnit.MINUTES);

        assertThat(a.copied() + b.copied()).isEqualTo(1_555);
        assertThat(a.copied()).isPositive();
        assertThat(b.copied()).isPositive();
        assertTargetEqualsSource(target);
        assertThat(target.rows().values()).as("no record written twice").allSatisfy(row -> assertThat(row.writes()).isEqualTo(1));
    }

    // A run of the default namespace stopped after its first batch: the rest is listed, pending and unclaimed.
    private TableTarget copyOneBatchOfTheDefaultNamespace() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        AtomicReference<Migration> running = new AtomicReference<>();
        Migration first = migration(target).namespaces(List.of("")).workers(1).listener(new MigrationListener() {
            @Override
            public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                running.get().stop();
            }
        }).build();
        running.set(first);
        first.run();
        return target;
    }

    @Test
    void claimsOfADeadProcessAreTakenOverWhenTheirLeaseLapses() throws Exception {
        TableTarget target = copyOneBatchOfTheDefaultNamespace();
        // A process that died holding claims: its lease is in the future and it never renews.
        execute("UPDATE migration_batches SET claimed_by = 'dead-host/1/x', claimed_until = now() + interval '2 seconds'"
                + " WHERE batch_no IN (SELECT batch_no FROM migration_batches WHERE status = 'pending' ORDER BY batch_no LIMIT 2)");

        MigrationReport resumed = migration(target).namespaces(List.of("")).resume(true).build().run();

        assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(target.rows()).hasSize(1_234);
        assertThat(target.rows().values()).allSatisfy(row -> assertThat(row.writes()).isEqualTo(1));
    }

    @Test
    void claimsOfAKilledProcessOfThisHostAreTakenOverAtOnce() throws Exception {
        TableTarget target = copyOneBatchOfTheDefaultNamespace();
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        String host = ClaimOwner.newName().split("/")[0];
        // Killed an instant ago on this machine: its lease would hold for an hour.
        execute("UPDATE migration_batches SET claimed_by = '" + host + "/" + ended.pid() + "/x', claimed_until = now() + interval '1 hour'"
                + " WHERE batch_no IN (SELECT batch_no FROM migration_batches WHERE status = 'pending' ORDER BY batch_no LIMIT 2)");

        MigrationReport resumed = CompletableFuture.supplyAsync(() -> migration(target).namespaces(List.of("")).resume(true).build().run())
                .get(60, TimeUnit.SECONDS);

        assertThat(resumed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(target.rows()).hasSize(1_234);
        assertThat(target.rows().values()).allSatisfy(row -> assertThat(row.writes()).isEqualTo(1));
    }

    @Test
    void onlyEndedProcessesOfThisHostCountAsDead() throws Exception {
        String self = ClaimOwner.newName();
        String host = self.split("/")[0];
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        long alive = ProcessHandle.current().parent().orElseThrow().pid();

        assertThat(ClaimOwner.deadOnThisHost(host + "/" + ended.pid() + "/a1", self)).isTrue();
        assertThat(ClaimOwner.deadOnThisHost(host + "/" + ProcessHandle.current().pid() + "/0ther0jv.a1b2c3d4", self))
                .as("this PID with another JVM token: an earlier JVM, e.g. PID 1 of a restarted container").isTrue();
        assertThat(ClaimOwner.deadOnThisHost(ClaimOwner.newName(), self)).as("another run of this JVM").isFalse();
        assertThat(ClaimOwner.deadOnThisHost(host + "/" + alive + "/a1", self)).isFalse();
        assertThat(ClaimOwner.deadOnThisHost(self, self)).isFalse();
        assertThat(ClaimOwner.deadOnThisHost("another-host/" + ended.pid() + "/a1", self)).isFalse();
        assertThat(ClaimOwner.deadOnThisHost(host + "/not-a-pid/a1", self)).isFalse();
        assertThat(ClaimOwner.deadOnThisHost("legacy-name", self)).isFalse();
    }

    @Test
    void stopFinishesTheBatchInFlightAndResumeCompletes() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        AtomicReference<Migration> running = new AtomicReference<>();
        Migration migration = migration(target).listener(new MigrationListener() {
            @Override
            public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                running.get().stop();
            }
        }).build();
        running.set(migration);

        MigrationReport interrupted = migration.run();

        assertThat(interrupted.outcome()).isEqualTo(MigrationReport.Outcome.INTERRUPTED);
        assertThat(interrupted.message()).contains("--resume");
        assertThat(interrupted.copied()).isPositive().isLessThan(1_555);
        assertThat(target.rows()).hasSize((int) interrupted.copied());
        MigrationReport resumed = migration(target).resume(true).build().run();
        assertThat(resumed.copied()).isEqualTo(1_555 - interrupted.copied());
        assertTargetEqualsSource(target);
    }

    @Test
    void aDryRunWritesNothingAndReadsNoRecords() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        List<MigrationPlan> plans = new ArrayList<>();

        MigrationReport report = migration(target).dryRun(true).workers(5).batchSize(1000).listener(new MigrationListener() {
            @Override
            public void started(MigrationPlan plan) {
                plans.add(plan);
            }
        }).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.DRY_RUN);
        assertThat(source.script().fetches.get() + source.script().listings.get()).isZero();
        assertThat(target.rows()).isEmpty();
        assertThat(countTables("migration_progress")).isZero();
        assertThat(plans).singleElement().satisfies(plan -> {
            assertThat(plan.namespaces()).containsExactly("", "tenant-b");
            assertThat(plan.sourceCounts()).containsEntry("", 1_234L).containsEntry("tenant-b", 321L);
            assertThat(plan.pending()).isEqualTo(1_555);
            assertThat(plan.batches()).isEqualTo(2);
            assertThat(plan.estimatedReadUnits()).isEqualTo(156 + 16);
            assertThat(plan.checks()).contains("test table copied exists");
        });
    }

    @Test
    void rowsWithoutEmbeddingCanBeTheIdSourceAndMissingRowsAreReported() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        execute("INSERT INTO copied (namespace, id) SELECT '', 'doc-' || g FROM generate_series(0, 99) g");
        execute("INSERT INTO copied (namespace, id) VALUES ('', 'not-in-pinecone')");

        MigrationReport report = migration(target.writingWith(new PgWriteOptions(null, true, false))).namespaces(List.of(""))
                .idSource(IdSource.targetRowsWithoutEmbedding()).build().run();

        assertThat(report.copied()).isEqualTo(100);
        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.id()).isEqualTo("not-in-pinecone");
            assertThat(failure.reason()).contains("not found in the source");
        });
        assertThat(source.script().listings.get()).isZero();
        assertThat(target.rows()).hasSize(101);
    }

    @Test
    void idsCanComeFromAFileAndUnknownRowsAreReportedNotInserted(@TempDir Path dir) throws Exception {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        execute("INSERT INTO copied (namespace, id) VALUES ('', 'doc-1'), ('', 'doc-2')");
        Path file = Files.writeString(dir.resolve("ids.txt"), "# ids to copy\ndoc-1\n\ndoc-2\ndoc-3\n");

        MigrationReport report = migration(target.writingWith(new PgWriteOptions(null, true, false))).namespaces(List.of(""))
                .idSource(IdSource.file(file)).build().run();

        assertThat(report.copied()).isEqualTo(2);
        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.id()).isEqualTo("doc-3");
            assertThat(failure.reason()).contains("no row with this id");
        });
        assertThat(target.rows()).containsOnlyKeys("/doc-1", "/doc-2");
    }

    @Test
    void aPostgresRestartInTheMiddleIsSurvived() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        AtomicInteger batches = new AtomicInteger();

        MigrationReport report = migration(target).listener(new MigrationListener() {
            @Override
            public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                if (batches.incrementAndGet() == 3) {
                    database.server().restart();
                }
            }
        }).build().run();

        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertTargetEqualsSource(target);
    }

    // The window a database restart can hit: the claiming UPDATE has committed, and the connection drops before the
    // worker has read the batch's ids. The worker's retry claims another batch; the first one is this process's,
    // renewed by its heartbeat, and without the orphan sweep the run waits for it for ever.
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aClaimWhoseConnectionDroppedBeforeItsIdsWereReadIsGivenBackAndCopied() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION);
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();

        MigrationReport report = migration(target).workers(1).listener(new MigrationListener() {
            @Override
            public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                if (batches.incrementAndGet() == 3) {
                    dropTheConnectionOfTheNextIdRead(dropped);
                }
            }
        }).build().run();

        assertThat(dropped).as("connections dropped between a claim and its id read").hasValue(1);
        assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertTargetEqualsSource(target);
        assertThat(count("SELECT count(*) FROM migration_batches WHERE status = 'pending' OR claimed_by IS NOT NULL")).isZero();
    }

    // Locks migration_progress so that the worker's next id read waits right after its claim has committed, ends
    // that backend as a restart would, and lets everything else through. Returns at once: the worker claims next.
    private void dropTheConnectionOfTheNextIdRead(AtomicInteger dropped) {
        try {
            Connection lock = database.connection();
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE migration_progress IN ACCESS EXCLUSIVE MODE");
            }
            Thread killer = new Thread(() -> {
                try (lock; Connection admin = database.connection(); Statement statement = admin.createStatement()) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (System.nanoTime() < deadline && dropped.get() == 0) {
                        try (var result = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                + " WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT chunk_id FROM migration_progress%'")) {
                            while (result.next()) {
                                dropped.incrementAndGet();
                            }
                        }
                        Thread.sleep(10);
                    }
                    lock.rollback();
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, "drop-the-id-read");
            killer.setDaemon(true);
            killer.start();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deferringTheIndexDropsItFirstAndBuildsItOnceComplete() {
        TableTarget target;
        try {
            target = new TableTarget(database.dataSource(), DIMENSION);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        migration(target).indexStrategy(IndexStrategy.DEFER).build().run();

        assertThat(target.indexDrops).isEqualTo(1);
        assertThat(target.indexBuilds).isEqualTo(1);
        assertThat(target.analyzes).as("the index build analyzes").isZero();
    }

    @Test
    void aSourceOfAnotherDimensionIsRefusedBeforeAnythingHappens() throws SQLException {
        TableTarget target = new TableTarget(database.dataSource(), DIMENSION + 1);

        assertThatThrownBy(() -> migration(target).build().run())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has 8 dimensions but test table copied has 9");
        assertThat(countTables("migration_progress")).isZero();
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             var result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private long countTables(String name) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             var result = statement.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = '" + name + "'")) {
            result.next();
            return result.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
