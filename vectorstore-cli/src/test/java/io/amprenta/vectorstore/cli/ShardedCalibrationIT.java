package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.ShardedSchema;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.ShardedDatabase;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vectorstore calibrate} on a table sharded over three servers (ARCHITECTURE.md, "Calibration"): each shard is
 * measured on its own server, where ef_search reaches its index; {@code --save} writes each shard's setting into its
 * foreign server's options, which the coordinator's next query runs with; a shard that cannot be reached or whose
 * login cannot be read changes nothing. A sparse graph (m 4) over uniform random vectors makes a small ef_search miss
 * neighbours.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedCalibrationIT {

    private static final int DIMENSION = 24;
    private static final int RECORDS = 3_000;
    private static final String TABLE = "cal_chunks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShardedDatabase sharded;
    private final Map<String, String> environment = new HashMap<>();
    private Path questions;

    ShardedCalibrationIT(ShardedDatabase sharded) {
        this.sharded = sharded;
    }

    @BeforeAll
    void shardAndLoad(@TempDir Path directory) throws IOException, SQLException {
        PgVectorSettings settings = PgVectorSettings.builder().table(TABLE).dimension(DIMENSION).hnswM(4)
                .hnswEfConstruction(8).build();
        ShardedSchema.create(sharded.coordinator().dataSource(), settings, ShardedSchema.ShardKey.ID,
                sharded.shards(3).stream().map(TestDatabase::databaseUrl).toList()).upgrade(UpgradeOptions.latest());
        environment.putAll(sharded.coordinator().config());
        environment.put("VECTOR_BACKEND", "pgvector");
        environment.put("PGVECTOR_TABLE", TABLE);
        environment.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        try (VectorStore store = VectorStores.get(environment)) {
            store.upsert(TestData.randomRecords(new Random(5), RECORDS, DIMENSION, "doc-"));
        }
        // The shards' planners see their tables as loaded (autovacuum would, later), so trials run on the HNSW index.
        for (TestDatabase shard : sharded.shards(3)) {
            try (Connection connection = shard.connection(); Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE " + TABLE);
            }
        }
        Random random = new Random(9);
        questions = Files.writeString(directory.resolve("questions.txt"), IntStream.range(0, 20)
                .mapToObj(i -> Arrays.toString(TestData.randomVector(random, DIMENSION))).collect(Collectors.joining("\n")));
    }

    private CliRun run(Map<String, String> env, String... args) {
        return CliRun.of(env, args);
    }

    private static JsonNode json(CliRun run, int expectedExit) throws IOException {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(expectedExit);
        return JSON.readTree(run.out());
    }

    @Test
    void eachShardIsMeasuredOnItsOwnServerSoItsTrialsDifferByEfSearch() throws IOException {
        CliRun run = run(environment, "calibrate", "--json", "--ef-search", "10,400", "--target-recall", "0.99",
                "--queries", "30");
        assertThat(run.exitCode()).as(run.out() + run.err()).isIn(ExitCode.OK, ExitCode.FINDINGS);
        JsonNode report = JSON.readTree(run.out());

        assertThat(report.get("shards")).hasSize(3);
        for (JsonNode shard : report.get("shards")) {
            assertThat(shard.get("rows").asLong()).isBetween(700L, 1300L);
            JsonNode trials = shard.get("report").get("trials");
            assertThat(trials).as(shard.toString()).hasSize(2);
            // At the shards' fixed setting (what SET LOCAL on the coordinator measured) both trials would be equal.
            assertThat(trials.get(0).get("recall").asDouble()).as(shard.toString())
                    .isLessThan(trials.get(1).get("recall").asDouble() - 0.05);
        }
        assertThat(report.get("coordinatorRecall").asDouble()).isBetween(0.0, 1.0);
        assertThat(report.get("met").asBoolean()).isEqualTo(run.exitCode() == ExitCode.OK);
    }

    @Test
    void saveSetsEachShardServersEfSearchAndTheCoordinatorsNextQueryRunsWithIt() throws IOException, SQLException {
        Map<String, String> before = serverOptions();
        try (Connection coordinator = sharded.coordinator().connection()) {
            createProbes(coordinator);
            // A session that already holds a connection to each shard, as a pooled application connection does.
            assertThat(probe(coordinator)).containsOnly("100");

            JsonNode report = json(run(environment, "calibrate", "--save", "--json", "--ef-search", "10,40,400",
                    "--target-recall", "0.9", "--queries", "30"), ExitCode.OK);

            Map<String, String> chosen = new LinkedHashMap<>();
            for (JsonNode shard : report.get("shards")) {
                chosen.put(shard.get("server").asText(), shard.get("chosenEfSearch").asText());
                assertThat(shard.get("note").asText()).startsWith("saved: ef_search " + shard.get("chosenEfSearch").asText());
            }
            assertThat(chosen).hasSize(3).doesNotContainValue("100");
            Map<String, String> after = serverOptions();
            chosen.forEach((server, efSearch) -> assertThat(after.get(server))
                    .isEqualTo(before.get(server).replace("hnsw.ef_search=100", "hnsw.ef_search=" + efSearch)));
            // postgres_fdw dropped its cached shard connections when the options changed.
            assertThat(probe(coordinator)).containsExactlyElementsOf(chosen.values());

            CliRun health = run(environment, "health", "--backend", "pgvector");
            assertThat(health.out()).contains("shardEfSearch").contains("(calibration: ef_search")
                    .doesNotContain("not calibrated");
            CliRun status = run(environment, "schema", "status");
            assertThat(status.out()).contains("search setting:   per shard server: ")
                    .contains(chosen.keySet().iterator().next() + " ef_search " + chosen.values().iterator().next()
                            + " (calibration: ef_search");
        } finally {
            restore(before);
        }
    }

    @Test
    void belowTheTargetEachShardKeepsTheRulesOfSaveAndHealthNamesTheShard() throws IOException, SQLException {
        Map<String, String> before = serverOptions();
        try {
            String[] tooSmall = {"calibrate", "--save", "--json", "--ef-search", "10", "--target-recall", "0.99",
                "--queries", "20"};
            JsonNode refused = json(run(environment, tooSmall), ExitCode.FINDINGS);
            // Below the target, a setting under the shard's ef_search in force (100) is never stored.
            for (JsonNode shard : refused.get("shards")) {
                assertThat(shard.get("note").asText()).contains("Nothing saved").contains("below the ef_search in force");
            }
            assertThat(serverOptions()).isEqualTo(before);

            // With the shards at 10 already, the best setting found is stored, and health names a shard below target.
            for (String server : before.keySet()) {
                execute("ALTER SERVER " + server + " OPTIONS (SET options '"
                        + options(before.get(server)).replace("hnsw.ef_search=100", "hnsw.ef_search=10") + "')");
            }
            JsonNode saved = json(run(environment, tooSmall), ExitCode.FINDINGS);
            for (JsonNode shard : saved.get("shards")) {
                assertThat(shard.get("note").asText()).startsWith("saved the best setting found, below the target");
            }
            CliRun health = run(environment, "health", "--backend", "pgvector");
            assertThat(health.out()).contains("DEGRADED").contains("best of the settings it tried").contains("[shard "
                    + TABLE + "_shard_");
        } finally {
            restore(before);
        }
    }

    @Test
    void anUnreachableShardIsAClearErrorAndChangesNoServerOption() throws SQLException {
        Map<String, String> before = serverOptions();
        String lastServer = new ArrayList<>(before.keySet()).get(2);
        try {
            execute("ALTER SERVER " + lastServer + " OPTIONS (SET port '1')");
            Map<String, String> broken = serverOptions();
            // A query file: the coordinator's table, which now reaches a dead shard, is not read for queries.
            CliRun run = run(environment, "calibrate", "--save", "--ef-search", "10,400", "--query-file", questions.toString());

            assertThat(run.exitCode()).as(run.out() + run.err()).isNotZero();
            assertThat(run.err()).contains("Calibrating shard " + lastServer).contains("No server option was changed");
            assertThat(serverOptions()).isEqualTo(broken);
        } finally {
            restore(before);
        }
    }

    @Test
    void aLoginTheUserCannotReadIsAClearErrorAndChangesNoServerOption() throws SQLException {
        Map<String, String> before = serverOptions();
        TestDatabase coordinator = sharded.coordinator();
        execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cal_reader') THEN CREATE ROLE cal_reader"
                + " LOGIN PASSWORD 'cal_reader_pw'; END IF; END$$");
        execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO cal_reader");
        for (String server : before.keySet()) {
            // A mapping of its own (as an application role has) but no USAGE on the server: PostgreSQL hides its login.
            execute("CREATE USER MAPPING IF NOT EXISTS FOR cal_reader SERVER " + server + " OPTIONS (user "
                    + "'" + coordinator.user() + "', password_required 'false')");
        }
        Map<String, String> reader = new HashMap<>(environment);
        reader.put("DATABASE_URL", "jdbc:postgresql://" + coordinator.jdbcUrl().replaceFirst("^jdbc:postgresql://", "")
                .replaceFirst("\\?.*$", "") + "?user=cal_reader&password=cal_reader_pw");
        CliRun run = run(reader, "calibrate", "--save", "--query-file", questions.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(run.err()).contains("cannot be read by the current user").contains("GRANT USAGE ON FOREIGN SERVER")
                .contains("DATABASE_URL=<that shard's URL> vectorstore calibrate").contains("Nothing was changed");
        assertThat(serverOptions()).isEqualTo(before);
    }

    private Map<String, String> serverOptions() throws SQLException {
        Map<String, String> options = new LinkedHashMap<>();
        try (Connection connection = sharded.coordinator().connection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT srvname, array_to_string(srvoptions, ' ') FROM pg_foreign_server"
                     + " WHERE srvname LIKE '" + TABLE + "%' ORDER BY srvname")) {
            while (rows.next()) {
                options.put(rows.getString(1), rows.getString(2));
            }
        }
        return options;
    }

    // Puts back the port and ef_search each server had, and no calibration, whatever a test changed.
    private void restore(Map<String, String> before) throws SQLException {
        execute("DO $$BEGIN IF to_regclass('vectorstore_search_calibration') IS NOT NULL THEN"
                + " DELETE FROM vectorstore_search_calibration; END IF; END$$");
        for (Map.Entry<String, String> server : before.entrySet()) {
            String port = server.getValue().replaceAll(".*\\bport=(\\d+).*", "$1");
            execute("ALTER SERVER " + server.getKey() + " OPTIONS (SET port '" + port + "', SET options '"
                    + options(server.getValue()) + "')");
        }
    }

    // The options option of a server's options as serverOptions() prints them (it comes last).
    private static String options(String serverOptions) {
        return serverOptions.replaceAll(".*\\boptions=", "");
    }

    // On each shard a view of the session's ef_search, and on the coordinator a foreign table over it per server.
    private void createProbes(Connection coordinator) throws SQLException {
        for (TestDatabase shard : sharded.shards(3)) {
            try (Connection connection = shard.connection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE OR REPLACE VIEW ef_probe AS SELECT current_setting('hnsw.ef_search') AS ef");
            }
        }
        try (Statement statement = coordinator.createStatement()) {
            for (String server : serverOptions().keySet()) {
                statement.execute("CREATE FOREIGN TABLE IF NOT EXISTS " + server + "_probe (ef text) SERVER " + server
                        + " OPTIONS (table_name 'ef_probe')");
            }
        }
    }

    private List<String> probe(Connection coordinator) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = coordinator.createStatement()) {
            for (String server : serverOptions().keySet()) {
                try (ResultSet rows = statement.executeQuery("SELECT ef FROM " + server + "_probe")) {
                    rows.next();
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = sharded.coordinator().connection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
