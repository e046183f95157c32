package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.migration.IdLines;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.pinecone.RecordedRequest;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's story (README, "Moving from Pinecone to pgvector") through the real command line: schema upgrade on an application's table,
 * a dry run, the migration from the Pinecone emulator (through the real client), verify, resume, and the
 * switch of VECTOR_BACKEND; then the same under throttling, an outage and an exhausted quota.
 */
@ExtendWith(PostgresExtension.class)
class MigrateCommandIT {

    private static final int DIMENSION = 8;

    private PineconeEmulator emulator;
    private TestDatabase database;
    private Map<String, String> environment;

    @BeforeEach
    void setUp(TestDatabase classDatabase) throws SQLException {
        database = classDatabase.createAnother();
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("docs").start();
        Random random = new Random(5);
        emulator.load("", TestData.randomRecords(random, 2_400, DIMENSION, "chunk-"));
        emulator.load("tenant-b", TestData.randomRecords(random, 600, DIMENSION, "b-"));
        environment = new HashMap<>(emulator.config());
        environment.putAll(database.config());
        environment.put("EMBEDDING_MODEL", "test-model-v1");
        environment.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        // An application table whose rows may be created by the backfill: its own columns are nullable or defaulted.
        execute("CREATE TABLE rag_chunks (id text PRIMARY KEY, content text, created_at timestamptz NOT NULL DEFAULT now())");
        execute("INSERT INTO rag_chunks SELECT 'chunk-' || g, 'body of chunk ' || g FROM generate_series(0, 99) g");
        CliRun upgrade = run("schema", "upgrade");
        assertThat(upgrade.exitCode()).as(upgrade.out() + upgrade.err()).isZero();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    private CliRun run(String... args) {
        return CliRun.of(environment, args);
    }

    @Test
    void dryRunThenMigrateThenVerifyThenSwitchBackends() throws SQLException {
        emulator.clearRequests();
        CliRun plan = run("migrate", "--dry-run", "--batch-size", "1000", "--workers", "5");
        assertThat(plan.exitCode()).as(plan.out() + plan.err()).isZero();
        assertThat(plan.out()).contains("namespace '': 2,400 records").contains("namespace 'tenant-b': 600 records")
                .contains("to copy: 3,000 in 3 batches").contains("estimated Pinecone read units: 330").contains("Dry run")
                .contains("index: the vector index rag_chunks_embedding_hnsw is dropped during the copy and rebuilt at the"
                        + " end: the table is being filled, not served: 0 embedded rows against 3,000 to copy")
                .contains("keeping the index: 3,000 rows inserted into the HNSW graph").contains("deferring it: the copy");
        assertThat(emulator.requests()).extracting(RecordedRequest::operation)
                .as("a dry run reads no records").doesNotContain(PineconeOperation.FETCH, PineconeOperation.LIST,
                        PineconeOperation.QUERY, PineconeOperation.UPSERT, PineconeOperation.DELETE);
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'migration_progress'")).isZero();

        CliRun migrate = run("migrate", "--batch-size", "500", "--workers", "3");
        assertThat(migrate.exitCode()).as(migrate.out() + migrate.err()).isZero();
        assertThat(migrate.out()).contains("COMPLETED: 3,000 copied")
                .contains("Calibration skipped: public.rag_chunks holds 3,000 embedded rows, fewer than 10,000");
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'rag_chunks_embedding_hnsw'")).as("rebuilt")
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL AND embedding_model = 'test-model-v1'"))
                .isEqualTo(3_000);
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE content = 'body of chunk ' || substr(id, 7)")).as("application rows")
                .isEqualTo(100);

        CliRun verify = run("verify", "--sample", "3000");
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("OK: the target matches the source");

        CliRun again = run("migrate");
        assertThat(again.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(again.err()).contains("--resume");
        CliRun resumed = run("migrate", "--resume");
        assertThat(resumed.exitCode()).isZero();
        assertThat(resumed.out()).contains("COMPLETED: 0 copied by this process, 3,000 done in all")
                .contains("Calibration skipped: this run copied nothing");
        CliRun both = run("migrate", "--resume", "--defer-index", "--keep-index");
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("--defer-index, --keep-index are mutually exclusive");

        assertSameAnswersOnBothBackends();
    }

    private void assertSameAnswersOnBothBackends() {
        Map<String, String> pinecone = new HashMap<>(environment);
        pinecone.put("VECTOR_BACKEND", "pinecone");
        Map<String, String> pgvector = new HashMap<>(environment);
        pgvector.put("VECTOR_BACKEND", "pgvector");
        float[] vector = TestData.randomVector(new Random(77), DIMENSION);
        Query query = Query.builder(vector).topK(10).filter(Filter.fromJson("{\"genre\": {\"$in\": [\"drama\", \"action\"]}}")).build();
        try (VectorStore before = VectorStores.get(pinecone); VectorStore after = VectorStores.get(pgvector)) {
            List<Match> expected = before.query(query);
            List<Match> actual = after.query(query);
            assertThat(actual).extracting(Match::id).containsExactlyElementsOf(expected.stream().map(Match::id).toList());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).score()).isCloseTo(expected.get(i).score(), within(1e-5));
                assertThat(actual.get(i).metadata()).isEqualTo(expected.get(i).metadata());
            }
        }
    }

    @Test
    void aRateLimitStormAndAnOutageAreRiddenOut() {
        emulator.faults().limitTo(PineconeOperation.FETCH, PineconeOperation.LIST).rateLimitFraction(0.3);

        CliRun stormy = run("migrate", "--batch-size", "200", "--workers", "3", "--log-every", "1s");
        assertThat(stormy.exitCode()).as(stormy.out() + stormy.err()).isZero();
        assertThat(emulator.faults().injectedCount()).isPositive();
        assertThat(stormy.err()).contains("throttled by the source");

        emulator.faults().clear().limitTo(PineconeOperation.FETCH).unavailableFor(Duration.ofSeconds(2));
        CliRun outage = run("migrate", "--run-id", "second", "--batch-size", "200", "--namespace", "tenant-b");
        assertThat(outage.exitCode()).as(outage.out() + outage.err()).isZero();

        assertThat(run("verify").exitCode()).isZero();
    }

    @Test
    void anExhaustedQuotaStopsResumablyAndResumeFinishes() throws SQLException {
        emulator.faults().limitTo(PineconeOperation.FETCH).exhaustMonthlyQuota();

        CliRun stopped = run("migrate", "--batch-size", "250");
        assertThat(stopped.exitCode()).isEqualTo(ExitCode.STOPPED);
        assertThat(stopped.out()).contains("STOPPED").contains("--resume");
        assertThat(count("SELECT count(*) FROM migration_batches WHERE claimed_by IS NOT NULL")).isZero();

        emulator.faults().clear();
        CliRun resumed = run("migrate", "--resume", "--batch-size", "250");
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(run("verify").exitCode()).isZero();
    }

    @Test
    void aWrongApiKeyStopsBeforeAnythingHappens() {
        environment.put("PINECONE_API_KEY", "not-the-key-9f8e7d");

        CliRun run = run("migrate");

        assertThat(run.exitCode()).isEqualTo(ExitCode.STOPPED);
        assertThat(run.err()).contains("docs/errors.md#authentication-failed").doesNotContain("not-the-key-9f8e7d");
    }

    @Test
    void badRecordsAreReportedAndTheRestCopied() throws SQLException {
        CliRun report = run("migrate", "--missing-rows", "report", "--namespace", "");

        assertThat(report.exitCode()).as(report.out() + report.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(report.out()).contains("COMPLETED_WITH_FAILURES: 100 copied").contains("2,300 failed")
                .contains("no row with this id");
        assertThat(count("SELECT count(*) FROM rag_chunks")).isEqualTo(100);
    }

    @Test
    void aTableThatCannotTakeNewRowsIsAConfigurationError() throws SQLException {
        execute("ALTER TABLE rag_chunks ALTER COLUMN content SET DEFAULT NULL, ALTER COLUMN content SET NOT NULL");

        CliRun run = run("migrate", "--namespace", "");

        assertThat(run.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(run.err()).contains("NOT NULL").contains("docs/errors.md#schema-conflict");
        assertThat(count("SELECT count(*) FROM migration_batches WHERE claimed_by IS NOT NULL")).isZero();
    }

    @Test
    void theTablesOwnRowsAnIdFileAndAPrefixAsIdSources(@TempDir Path directory) throws Exception {
        CliRun rowsPlan = run("migrate", "--dry-run", "--id-source", "target-rows", "--namespace", "", "--run-id", "rows");
        assertThat(rowsPlan.exitCode()).as(rowsPlan.out() + rowsPlan.err()).isZero();
        assertThat(rowsPlan.out()).contains("namespace '': 100 records").contains("to copy: 100 in 1 batches")
                .contains("the target's rows without an embedding");

        CliRun rows = run("migrate", "--id-source", "target-rows", "--namespace", "", "--run-id", "rows",
                "--embedding-model", "model-from-option", "--no-metadata");
        assertThat(rows.exitCode()).as(rows.out() + rows.err()).isZero();
        assertThat(rows.out()).contains("COMPLETED: 100 copied");
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL AND embedding_model = 'model-from-option'"
                + " AND vectorstore_metadata = '{}'::jsonb")).isEqualTo(100);

        Path ids = Files.writeString(directory.resolve("ids.txt"), "chunk-500\n# a comment\n\nchunk-501\n  chunk-502  \n");
        CliRun filePlan = run("migrate", "--dry-run", "--id-source", "file", "--id-file", ids.toString(), "--namespace", "",
                "--run-id", "file");
        assertThat(filePlan.out()).as(filePlan.err()).contains("namespace '': 3 records").contains("to copy: 3 in 1 batches");
        CliRun file = run("migrate", "--id-source", "file", "--id-file", ids.toString(), "--namespace", "", "--run-id", "file");
        assertThat(file.exitCode()).as(file.out() + file.err()).isZero();
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE id IN ('chunk-500', 'chunk-501', 'chunk-502')"
                + " AND embedding IS NOT NULL")).isEqualTo(3);

        CliRun prefixed = run("migrate", "--prefix", "chunk-23", "--namespace", "", "--run-id", "prefixed");
        assertThat(prefixed.exitCode()).as(prefixed.out() + prefixed.err()).isZero();
        // chunk-23, chunk-230..239 and chunk-2300..2399, of which none was copied before.
        assertThat(prefixed.out()).contains("COMPLETED: 111 copied");
    }

    @Test
    void theWayBackCopiesWhatPgvectorReceivedSinceIntoPinecone() {
        assertThat(run("migrate").exitCode()).isZero();
        Map<String, String> pgvector = new HashMap<>(environment);
        pgvector.put("VECTOR_BACKEND", "pgvector");
        VectorRecord changed = VectorRecord.of("chunk-5", TestData.randomVector(new Random(9), DIMENSION), Map.of("edited", true));
        VectorRecord added = VectorRecord.of("written-in-phase-c", TestData.randomVector(new Random(10), DIMENSION), Map.of());
        try (VectorStore store = VectorStores.get(pgvector)) {
            store.upsert(List.of(changed, added));
        }
        CliRun refused = run("migrate", "--source", "pgvector", "--target", "pinecone", "--run-id", "refused", "--no-metadata");
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(refused.err()).contains("apply to a pgvector target only");

        CliRun back = run("migrate", "--source", "pgvector", "--target", "pinecone", "--run-id", "back");

        assertThat(back.exitCode()).as(back.out() + back.err()).isZero();
        assertThat(back.out()).contains("COMPLETED: 3,001 copied");
        Map<String, String> pinecone = new HashMap<>(environment);
        pinecone.put("VECTOR_BACKEND", "pinecone");
        try (VectorStore store = VectorStores.get(pinecone)) {
            assertThat(store.fetch(List.of("chunk-5", "written-in-phase-c")).values()).containsExactlyInAnyOrder(changed, added);
        }
        CliRun verify = run("verify", "--source", "pgvector", "--target", "pinecone", "--sample", "3001");
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void verifyFindsWhatIsMissingAndTheGuidesRepairCopiesIt(@TempDir Path directory) throws Exception {
        // Ids Pinecone allows that a plain one-per-line file cannot carry.
        List<String> awkward = List.of(" leading", "trailing ", "   ", "tab\tand\nnewline", "\"quoted\"");
        Random random = new Random(8);
        emulator.load("", awkward.stream().map(id -> VectorRecord.of(id, TestData.randomVector(random, DIMENSION))).toList());
        assertThat(run("migrate").exitCode()).isZero();
        Map<String, String> pgvector = new HashMap<>(environment);
        pgvector.put("VECTOR_BACKEND", "pgvector");
        List<String> deleted = new ArrayList<>(List.of("chunk-100", "chunk-1500", "chunk-2399"));
        deleted.addAll(awkward);
        try (VectorStore store = VectorStores.get(pgvector)) {
            store.delete(deleted);
        }
        Path missing = directory.resolve("missing.txt");

        CliRun found = run("verify", "--namespace", "", "--missing-ids-out", missing.toString());
        assertThat(found.exitCode()).as(found.out() + found.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(found.out()).contains("8 of 2405 source ids are missing from the target");
        assertThat(Files.readAllLines(missing)).contains("\"chunk-100\"", "\"tab\\tand\\nnewline\"")
                .map(line -> IdLines.parse(line, "missing").orElseThrow()).containsExactlyInAnyOrderElementsOf(deleted);
        CliRun fromTarget = run("verify", "--namespace", "", "--ids-from", "target");
        assertThat(fromTarget.exitCode()).isEqualTo(ExitCode.FINDINGS);
        assertThat(fromTarget.out()).contains("the source has 2405 records and the target 2397");

        // The migration guide's words, step 4.
        CliRun repair = run("migrate", "--id-source", "file", "--id-file", missing.toString(), "--namespace", "", "--run-id", "repair-1");
        assertThat(repair.exitCode()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).contains("COMPLETED: 8 copied");

        CliRun finalCheck = run("verify");
        assertThat(finalCheck.exitCode()).as(finalCheck.out() + finalCheck.err()).isZero();
        CliRun podStyle = run("verify", "--ids-from", "target", "--tolerance", "1e-6");
        assertThat(podStyle.exitCode()).as(podStyle.out() + podStyle.err()).isZero();
    }

    @Test
    void recordsTheTargetCannotTakeFailByIdTheRestIsCopiedAndTheFailedIdsAreWrittenOut(@TempDir Path directory)
            throws Exception {
        Random random = new Random(9);
        String nul = "chunk-\0-nul";
        String tooLong = "x".repeat(513);
        emulator.load("", List.of(VectorRecord.of(nul, TestData.randomVector(random, DIMENSION)),
                VectorRecord.of(tooLong, TestData.randomVector(random, DIMENSION))));
        Path failed = directory.resolve("failed.jsonl");

        CliRun migrate = run("migrate", "--failed-ids-out", failed.toString());

        assertThat(migrate.exitCode()).as(migrate.out() + migrate.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(migrate.out()).contains("COMPLETED_WITH_FAILURES: 3,000 copied").contains("2 failed")
                .contains("NUL character").contains("513 characters long").contains("2 failed ids written to");
        assertThat(Files.readAllLines(failed)).map(line -> IdLines.parse(line, "failed").orElseThrow())
                .containsExactlyInAnyOrder(nul, tooLong);
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL")).isEqualTo(3_000);

        CliRun resumed = run("migrate", "--resume");
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(resumed.out()).contains("2 failed");
    }

    @Test
    void optionValuesOutOfRangeAreACommandLineErrorAndChangeNothing() throws SQLException {
        for (String[] args : List.of(new String[] {"migrate", "--batch-size", "5000"}, new String[] {"migrate", "--workers", "0"},
                new String[] {"migrate", "--defer-index", "--index-build-memory", "lots"},
                new String[] {"migrate", "--lease", "10ms"}, new String[] {"migrate", "--id-source", "file", "--id-file", "ids.txt"},
                new String[] {"migrate", "--rate-share", "0"}, new String[] {"migrate", "--rate-share", "1.5"},
                new String[] {"migrate", "--max-requests-per-second", "0"})) {
            CliRun run = run(args);

            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).startsWith("Invalid option value: ").doesNotContain("\tat io.amprenta");
        }
        assertThat(run("migrate", "--batch-size", "5000").err()).contains("batchSize must be between 1 and 1000");
        assertThat(run("migrate", "--rate-share", "1.5").err()).contains("rateShare must be above 0 and at most 1");
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'migration_progress'")).isZero();
    }

    @Test
    void theDeferredIndexIsBuiltAtTheEnd() throws SQLException {
        CliRun deferred = run("migrate", "--defer-index", "--index-build-memory", "256MB", "--index-build-workers", "1");

        assertThat(deferred.exitCode()).as(deferred.out() + deferred.err()).isZero();
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE tablename = 'rag_chunks' AND indexdef LIKE '%hnsw%'")).isEqualTo(1);
        assertThat(count("SELECT reltuples::bigint FROM pg_class WHERE relname = 'rag_chunks'")).as("analyzed after the build")
                .isEqualTo(3_000);
        assertThat(run("schema", "status").exitCode()).isZero();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
