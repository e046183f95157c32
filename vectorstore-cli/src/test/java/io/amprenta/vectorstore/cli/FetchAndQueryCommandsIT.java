package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vectorstore fetch} and {@code vectorstore query} against Pinecone (the emulator, through the real client):
 * every part of a record shows, in the table and in JSON, including sparse indices above 2^31; bad input is a
 * command-line error.
 */
class FetchAndQueryCommandsIT {

    private static final int DIMENSION = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SparseValues SPARSE = SparseValues.of(new long[] {3, 4_000_000_000L}, new float[] {0.5f, 2});

    private PineconeEmulator emulator;
    private Map<String, String> environment;

    @BeforeEach
    void setUp() {
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.DOTPRODUCT).indexName("app").start();
        emulator.load("", List.of(
                VectorRecord.of("h", TestData.unit(DIMENSION, 0), Map.of("g", "x", "page", 3)).withSparseValues(SPARSE),
                VectorRecord.of("d", TestData.unit(DIMENSION, 1), Map.of("g", "x")),
                VectorRecord.of("e", TestData.unit(DIMENSION, 2), Map.of("g", "y"))));
        emulator.load("other", List.of(VectorRecord.of("o", TestData.unit(DIMENSION, 0), Map.of("g", "x"))));
        environment = new HashMap<>(emulator.hostConfig());
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    private CliRun run(String... args) {
        return CliRun.of(environment, args);
    }

    @Test
    void fetchShowsEveryPartOfTheRecordsAndNamesTheMissingIds() throws IOException {
        CliRun json = run("fetch", "h", "d", "missing", "--json");

        assertThat(json.exitCode()).as(json.err()).isEqualTo(ExitCode.FINDINGS);
        JsonNode result = JSON.readTree(json.out());
        JsonNode h = result.get("records").get(0);
        assertThat(h.get("id").asText()).isEqualTo("h");
        assertThat(floats(h.get("values"))).containsExactly(1f, 0f, 0f, 0f);
        assertThat(longs(h.get("sparseValues").get("indices"))).containsExactly(3L, 4_000_000_000L);
        assertThat(floats(h.get("sparseValues").get("values"))).containsExactly(0.5f, 2f);
        assertThat(h.get("metadata").get("page").asDouble()).isEqualTo(3.0);
        assertThat(result.get("records").get(1).has("sparseValues")).isFalse();
        assertThat(result.get("missing").get(0).asText()).isEqualTo("missing");

        CliRun table = run("fetch", "h");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("h  4d [1.0, 0.0, 0.0, 0.0]  2 sparse {3: 0.5, 4000000000: 2.0}  {")
                .contains("\"g\":\"x\"").contains("\"page\":3.0");
        assertThat(run("fetch", "o", "--namespace", "other").exitCode()).isZero();
    }

    @Test
    void fetchByFilterPagesWithTheCursor() throws IOException {
        CliRun first = run("fetch", "--filter", "{\"g\": \"x\"}", "--limit", "1", "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode page = JSON.readTree(first.out());
        assertThat(page.get("records")).hasSize(1);
        String cursor = page.get("nextCursor").asText();

        CliRun second = run("fetch", "--filter", "{\"g\": \"x\"}", "--limit", "1", "--cursor", cursor, "--json");
        JsonNode next = JSON.readTree(second.out());

        List<String> ids = List.of(page.get("records").get(0).get("id").asText(), next.get("records").get(0).get("id").asText());
        assertThat(ids).containsExactlyInAnyOrder("h", "d");
        assertThat(next.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void queryScoresHybridMatchesExactlyAndShowsTheirParts() throws IOException {
        CliRun json = run("query", "--vector", "[1, 0, 0, 0.5]", "--sparse", "{\"indices\": [4000000000], \"values\": [1.5]}",
                "--top-k", "2", "--filter", "{\"g\": \"x\"}", "--json");

        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode matches = JSON.readTree(json.out()).get("matches");
        assertThat(matches).hasSize(2);
        assertThat(matches.get(0).get("id").asText()).isEqualTo("h");
        assertThat(matches.get(0).get("score").asDouble()).isEqualTo(4.0); // dense 1 + sparse 2 * 1.5
        assertThat(longs(matches.get(0).get("sparseValues").get("indices"))).containsExactly(3L, 4_000_000_000L);
        assertThat(matches.get(1).get("id").asText()).isEqualTo("d");
        assertThat(matches.get(1).get("score").asDouble()).isZero();

        CliRun table = run("query", "--vector", "1,0,0,0", "--score-threshold", "0.5");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("1.000000    h  4d [1.0, 0.0, 0.0, 0.0]  2 sparse").doesNotContain(" d  ");

        JsonNode byId = JSON.readTree(run("query", "--id", "e", "--top-k", "1", "--json").out()).get("matches");
        assertThat(byId.get(0).get("id").asText()).isEqualTo("e");
        assertThat(JSON.readTree(run("query", "--id", "h", "--namespace", "other", "--json").out()).get("matches")).isEmpty();
    }

    @Test
    void badInputIsACommandLineErrorNamingTheProblem() {
        assertUsage(run("query", "--vector", "[1, 0]"), "2 dimensions");
        assertUsage(run("query", "--vector", "[1, 0, 0, 0]", "--sparse", "{\"indices\": [5, 3], \"values\": [1, 1]}"), "unsorted");
        assertUsage(run("query", "--vector", "[1, 0, 0, 0]", "--sparse", "{\"indices\": [5]}"), "--sparse");
        assertUsage(run("query", "--vector", "[1, NaN]"), "--vector");
        assertUsage(run("query", "--top-k", "3"), "--vector");
        assertUsage(run("query", "--vector", "[1, 0, 0, 0]", "--filter", "{\"g\": {\"$bad\": 1}}"), "--filter");
        assertUsage(run("fetch"), "either ids or --filter");
        assertUsage(run("fetch", "h", "--filter", "{}"), "either ids or --filter");
        assertUsage(run("fetch", "--filter", "{}", "--limit", "0"), "limit");
        assertThat(emulator.records("")).hasSize(3);
    }

    private static void assertUsage(CliRun run, String part) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(part);
    }

    private static List<Float> floats(JsonNode array) {
        List<Float> values = new ArrayList<>();
        array.forEach(value -> values.add((float) value.asDouble()));
        return values;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asLong()));
        return values;
    }
}
