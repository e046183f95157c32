package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.cutover.BenchmarkQuery;
import io.amprenta.vectorstore.cutover.QueryVectors;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vectorstore benchmark} and {@code vectorstore calibrate} as an operator runs them before switching
 * VECTOR_BACKEND: a Pinecone index (the emulator, through the real client) migrated into a pgvector table with its
 * HNSW index. Uniform random 32-dimensional vectors are hard for HNSW, so a small ef_search visibly misses neighbours.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CutoverCommandsIT {

    private static final int DIMENSION = 32;
    private static final int RECORDS = 4_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PineconeEmulator emulator;
    private final Map<String, String> environment = new HashMap<>();
    private Path questions;
    private TestDatabase database;

    @BeforeAll
    void migrate(TestDatabase database, @TempDir Path directory) throws IOException {
        this.database = database;
        Random random = new Random(8);
        questions = Files.writeString(directory.resolve("questions.txt"), IntStream.range(0, 30)
                .mapToObj(i -> Arrays.toString(TestData.randomVector(random, DIMENSION))).collect(Collectors.joining("\n")));
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("docs").start();
        emulator.load("", TestData.randomRecords(new Random(11), RECORDS, DIMENSION, "doc-"));
        environment.putAll(emulator.config());
        environment.putAll(database.config());
        environment.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        for (String[] command : List.of(new String[] {"schema", "upgrade"}, new String[] {"migrate", "--batch-size", "1000"})) {
            CliRun run = run(command);
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        }
    }

    @AfterAll
    void stopEmulator() {
        emulator.close();
    }

    private CliRun run(String... args) {
        return CliRun.of(environment, args);
    }

    private JsonNode json(CliRun run, int expectedExit) throws IOException {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(expectedExit);
        return JSON.readTree(run.out());
    }

    @Test
    void theMigratedTableIsSearchedThroughItsIndex() {
        // The migration analyzes the table it loaded: a planner that still thinks it empty would scan it instead,
        // and benchmark and calibrate would measure exact search.
        CliRun health = run("health", "--backend", "pgvector");

        assertThat(health.exitCode()).as(health.out() + health.err()).isZero();
        assertThat(health.out()).contains("vectorIndexUsed: true").doesNotContain("estimatedRows: 0");
    }

    @Test
    void benchmarkComparesBothBackendsOnTheSameQueries() throws IOException {
        CliRun table = run("benchmark", "--queries", "40", "--top-k", "10", "--use-db-vectors");
        assertThat(table.exitCode()).as(table.out() + table.err()).isZero();
        assertThat(table.out()).contains("pinecone").contains("pgvector").contains("p50 ms").contains("mean top-10 overlap");

        JsonNode report = json(run("benchmark", "--queries", "40", "--top-k", "10", "--use-db-vectors", "--json"), 0);
        assertThat(report.get("queries").asInt()).isEqualTo(40);
        JsonNode pinecone = report.get("backends").get(0);
        JsonNode pgvector = report.get("backends").get(1);
        assertThat(pinecone.get("backend").asText()).isEqualTo("pinecone");
        assertThat(pgvector.get("backend").asText()).isEqualTo("pgvector");
        // The emulator searches exactly and holds what PostgreSQL holds.
        assertThat(pinecone.get("meanRecall").asDouble()).isEqualTo(1.0);
        assertThat(pgvector.get("meanRecall").asDouble()).isBetween(0.8, 1.0);
        assertThat(report.get("meanOverlap").asDouble()).isEqualTo(pgvector.get("meanRecall").asDouble());
        for (JsonNode backend : List.of(pinecone, pgvector)) {
            assertThat(backend.get("meanRows").asDouble()).isEqualTo(10.0);
            assertThat(backend.get("latency").get("count").asInt()).isEqualTo(40);
            assertThat(backend.get("latency").get("p99Millis").asDouble())
                    .isGreaterThanOrEqualTo(backend.get("latency").get("p50Millis").asDouble()).isPositive();
        }
    }

    @Test
    void aTargetThatDivergedFromTheSourceFailsTheOverlapGate() throws IOException {
        // Another table, holding only half of the index: what a half-finished backfill looks like.
        Map<String, String> half = new HashMap<>(environment);
        half.put("PGVECTOR_TABLE", "half_chunks");
        assertThat(CliRun.of(half, "schema", "upgrade").exitCode()).isZero();
        try (VectorStore source = VectorStores.get(with("VECTOR_BACKEND", "pinecone"));
             VectorStore target = VectorStores.get(withAll(half, "VECTOR_BACKEND", "pgvector"))) {
            List<String> ids = IntStream.range(0, RECORDS).filter(i -> i % 2 == 0).mapToObj(i -> "doc-" + i).toList();
            target.upsert(new ArrayList<>(source.fetch(ids).values()));
        }

        CliRun gated = CliRun.of(half, "benchmark", "--queries", "30", "--min-overlap", "0.9");

        assertThat(gated.exitCode()).as(gated.out() + gated.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(gated.out()).contains("BELOW TARGET");
        CliRun recallGate = CliRun.of(half, "benchmark", "--queries", "30", "--seed", "5", "--min-recall", "0.9");
        assertThat(recallGate.exitCode()).as(recallGate.out() + recallGate.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(recallGate.err()).contains("stored embeddings, seed 5");
        JsonNode report = json(CliRun.of(half, "benchmark", "--queries", "30", "--json"), 0);
        assertThat(report.get("meanOverlap").asDouble()).isLessThan(0.75);
        // Exact search runs on the half table: Pinecone's answers hold ids the target lacks.
        assertThat(report.get("backends").get(0).get("meanRecall").asDouble()).isLessThan(0.75);
    }

    @Test
    void benchmarkWithAFilterAndQueriesFromAFile() throws IOException {
        JsonNode report = json(run("benchmark", "--query-file", questions.toString(), "--queries", "12", "--top-k", "5",
                "--filter", "{\"genre\": {\"$in\": [\"drama\", \"comedy\"]}}", "--json"), 0);

        assertThat(report.get("queries").asInt()).isEqualTo(12);
        assertThat(report.get("filter").asText()).contains("$in").contains("drama");
        assertThat(report.get("backends").get(0).get("meanRecall").asDouble()).isEqualTo(1.0);
        assertThat(report.get("backends").get(1).get("meanRows").asDouble()).isEqualTo(5.0);
    }

    @Test
    void calibrateFindsTheSmallestEfSearchThatMeetsTheTarget() throws IOException {
        CliRun table = run("calibrate", "--target-recall", "0.95", "--query-file", questions.toString());
        assertThat(table.exitCode()).as(table.out() + table.err()).isZero();
        assertThat(table.out()).contains("<- chosen").containsPattern("PGVECTOR_EF_SEARCH=\\d+ PGVECTOR_ITERATIVE_SCAN=relaxed_order");

        JsonNode report = json(run("calibrate", "--target-recall", "0.95", "--query-file", questions.toString(), "--json"), 0);
        List<JsonNode> trials = new ArrayList<>();
        report.get("trials").forEach(trials::add);
        JsonNode chosen = report.get("chosen");
        assertThat(chosen.get("recall").asDouble()).isGreaterThanOrEqualTo(0.95);
        // Values are tried smallest first and the search stops at the first that meets the target; questions that
        // are not stored records are hard enough at ef_search 10 to need more than one try.
        assertThat(trials).hasSizeGreaterThan(1);
        assertThat(trials.get(trials.size() - 1)).isEqualTo(chosen);
        assertThat(chosen.get("recallLowerBound").asDouble()).isGreaterThanOrEqualTo(0.95)
                .isLessThanOrEqualTo(chosen.get("recall").asDouble());
        // A setting meets the target when its 95 % lower confidence bound does, not a lucky mean.
        assertThat(trials.subList(0, trials.size() - 1)).allSatisfy(trial -> assertThat(trial.get("recallLowerBound").asDouble())
                .isLessThan(0.95));
        assertThat(trials).extracting(trial -> trial.get("efSearch").asInt()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void calibrateSaveStoresTheSettingWhereStoresStatusAndHealthFindIt() throws IOException, SQLException {
        try {
            CliRun saved = run("calibrate", "--save", "--queries", "30");
            assertThat(saved.exitCode()).as(saved.out() + saved.err()).isZero();
            assertThat(saved.err() + saved.out()).contains("held out from stored embeddings");
            assertThat(saved.out()).containsPattern("Saved for public.rag_chunks: ef_search \\d+").contains("4,000 rows");

            CliRun status = run("schema", "status");
            assertThat(status.out()).containsPattern("search setting: +ef_search \\d+, iterative_scan relaxed_order \\(calibration:")
                    .contains("calibrated:").contains("4,000 rows");
            CliRun health = run("health", "--backend", "pgvector");
            assertThat(health.out()).contains("searchSetting: calibration: ef_search");
            // An explicit PGVECTOR_EF_SEARCH wins over the stored calibration.
            CliRun explicit = CliRun.of(with("PGVECTOR_EF_SEARCH", "77"), "health", "--backend", "pgvector");
            assertThat(explicit.out()).contains("efSearch: 77").contains("searchSetting: PGVECTOR_EF_SEARCH");

            CliRun notMet = run("calibrate", "--save", "--target-recall", "1.0", "--ef-search", "10", "--queries", "10");
            assertThat(notMet.exitCode()).isEqualTo(ExitCode.FINDINGS);
            // Below the target, a setting under the ef_search in force (the default 100) is never stored...
            assertThat(notMet.out()).contains("Nothing saved").contains("below the ef_search in force");
            assertThat(run("schema", "status").out()).doesNotContain("ef_search 10,");

            // ...but the best one found is, when it is not below it (here the configured 10)...
            try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM vectorstore_search_calibration");
            }
            String[] bestOfTen = {"calibrate", "--save", "--target-recall", "1.0", "--ef-search", "10", "--queries", "30"};
            CliRun best = CliRun.of(with("PGVECTOR_EF_SEARCH", "10"), bestOfTen);
            assertThat(best.exitCode()).isEqualTo(ExitCode.FINDINGS);
            assertThat(best.out()).contains("Saved the best setting found").contains("ef_search 10,");
            assertThat(run("schema", "status").out()).contains("ef_search 10,");
            // ...and a store held to that target (ef_search 10 finds about 0.96 here) is told it is not enough.
            CliRun degraded = CliRun.of(with("PGVECTOR_TARGET_RECALL", "1.0"), "health", "--backend", "pgvector");
            assertThat(degraded.out()).contains("DEGRADED").contains("best of the settings it tried");
            // ...and never over a stored one that reached at least its recall.
            assertThat(CliRun.of(with("PGVECTOR_EF_SEARCH", "10"), bestOfTen).out()).contains("Nothing saved")
                    .contains("stored calibration reached a higher recall");
        } finally {
            try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM vectorstore_search_calibration");
            }
        }
    }

    @Test
    void heldOutQueriesAreNoneOfTheStoredVectors() {
        try (VectorStore store = VectorStores.get(with("VECTOR_BACKEND", "pgvector"))) {
            List<BenchmarkQuery> queries = QueryVectors.heldOut(store, 20, 5);
            assertThat(queries).hasSize(20).allSatisfy(query -> {
                assertThat(query.source()).isEmpty();
                double nearest = store.unwrap(PgVectorTable.class).exactSearch("", Query.builder(query.vector()).topK(1).build())
                        .get(0).score();
                assertThat(nearest).as("cosine similarity to the nearest stored vector").isLessThan(0.999);
            });
            assertThat(QueryVectors.heldOut(store, 20, 5)).isEqualTo(queries);
        }
    }

    @Test
    void anUnreachableTargetIsAFinding() {
        CliRun run = run("calibrate", "--target-recall", "1.0", "--ef-search", "10", "--query-file", questions.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(run.out()).contains("NOT MET").contains("PGVECTOR_EF_SEARCH=10");
    }

    @Test
    void calibrateWithAFilterTriesBothIterativeScanModes() throws IOException {
        JsonNode report = json(run("calibrate", "--target-recall", "0.9", "--queries", "20", "--filter", "{\"genre\": \"drama\"}",
                "--json"), 0);

        List<String> modes = new ArrayList<>();
        report.get("trials").forEach(trial -> modes.add(trial.get("iterativeScan").asText()));
        assertThat(modes).contains("RELAXED_ORDER", "STRICT_ORDER");
        report.get("trials").forEach(trial -> assertThat(trial.get("meanRows").asDouble()).isEqualTo(10.0));
    }

    @Test
    void badInputIsRefusedWithTheReason(@TempDir Path directory) throws IOException {
        CliRun badFilter = run("benchmark", "--filter", "{\"genre\": {\"$like\": \"d%\"}}");
        assertThat(badFilter.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badFilter.err()).contains("--filter").contains("$like");

        Path shortVectors = Files.writeString(directory.resolve("short.txt"), "[0.1, 0.2, 0.3]\n");
        CliRun wrongDimension = run("calibrate", "--query-file", shortVectors.toString());
        assertThat(wrongDimension.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(wrongDimension.err()).contains("3 values").contains(String.valueOf(DIMENSION));

        CliRun both = run("benchmark", "--use-db-vectors", "--query-file", shortVectors.toString());
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);

        CliRun badTarget = run("calibrate", "--target-recall", "1.5");
        assertThat(badTarget.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badTarget.err()).contains("targetRecall");

        CliRun emptyNamespace = run("benchmark", "--namespace", "nobody-here");
        assertThat(emptyNamespace.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(emptyNamespace.err()).contains("'nobody-here'").contains("holds no embeddings");
    }

    private Map<String, String> with(String key, String value) {
        return withAll(environment, key, value);
    }

    private static Map<String, String> withAll(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
