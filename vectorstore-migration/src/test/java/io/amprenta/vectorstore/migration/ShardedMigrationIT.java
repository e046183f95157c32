package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.ShardedSchema;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.ShardedDatabase;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migrator fills a table sharded by id across three servers from the Pinecone emulator (ids listed from the
 * source), is killed with SIGKILL twice and resumed, and the target then equals the source exactly: every record on
 * exactly one shard, each row written once (a trigger on every shard counts committed writes), and verification of
 * every id passes. The records and the progress marks of a batch commit in one coordinator transaction, whose
 * remote parts {@code postgres_fdw} commits just before it (ARCHITECTURE.md, "Shards").
 */
@ExtendWith(PostgresExtension.class)
class ShardedMigrationIT {

    private static final int DIMENSION = 8;
    private static final int KILLS = 2;
    private static final int RECORDS = 2_000;
    private static final int TENANT_RECORDS = 500;

    private final List<String> childOutput = new ArrayList<>();

    @Test
    void killedTwiceAndResumedTheThreeShardTableEqualsTheSource(ShardedDatabase sharded) throws Exception {
        TestDatabase coordinator = sharded.coordinator();
        List<TestDatabase> shards = sharded.shards(3);
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        ShardedSchema.create(coordinator.dataSource(), settings, ShardedSchema.ShardKey.ID,
                shards.stream().map(TestDatabase::databaseUrl).toList()).upgrade(UpgradeOptions.latest());
        for (TestDatabase shard : shards) {
            countWritesPerRow(shard);
        }
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                .indexName("sharded-kill-test").start()) {
            Random random = new Random(17);
            emulator.load("", TestData.randomRecords(random, RECORDS, DIMENSION, "doc#"));
            emulator.load("tenant-b", TestData.randomRecords(random, TENANT_RECORDS, DIMENSION, "b#"));

            for (int kill = 0; kill < KILLS; kill++) {
                Process child = startChild(emulator, coordinator);
                boolean reachedTarget = awaitBatches(child, 2 + kill);
                child.destroyForcibly();
                assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
                if (!reachedTarget) {
                    break;
                }
            }
            assertThat(childOutput).as("the killed runs' output").anyMatch(line -> line.startsWith("BATCH"));
            long doneBeforeFinalRun = count(coordinator, "SELECT count(*) FROM migration_progress WHERE status = 'done'");
            Process last = startChild(emulator, coordinator);
            awaitBatches(last, Integer.MAX_VALUE);
            assertThat(last.waitFor(3, TimeUnit.MINUTES)).as(String.join("\n", childOutput)).isTrue();
            assertThat(last.exitValue()).as(String.join("\n", childOutput)).isZero();
            assertThat(doneBeforeFinalRun).as("the killed runs made progress").isPositive()
                    .isLessThan(RECORDS + TENANT_RECORDS);

            long total = 0;
            for (TestDatabase shard : shards) {
                long onShard = count(shard, "SELECT count(*) FROM rag_chunks");
                assertThat(onShard).as("records on " + shard).isPositive();
                assertThat(count(shard, "SELECT count(*) FROM row_writes WHERE writes <> 1")).as("rows written twice")
                        .isZero();
                assertThat(count(shard, "SELECT count(*) FROM row_writes")).isEqualTo(onShard);
                total += onShard;
            }
            assertThat(total).isEqualTo(RECORDS + TENANT_RECORDS);
            assertThat(count(coordinator, "SELECT count(*) FROM migration_progress WHERE status <> 'done'")).isZero();

            Map<String, String> config = new HashMap<>(coordinator.config());
            config.put("VECTOR_BACKEND", "pgvector");
            config.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
            try (VectorStore source = VectorStores.get(emulator.hostConfig());
                 VectorStore target = VectorStores.get(config)) {
                VerificationReport report = Verification.builder(source, target).compareAll().build().run();
                assertThat(report.passed()).as(report.toString()).isTrue();
            }
        }
    }

    private Process startChild(PineconeEmulator emulator, TestDatabase coordinator) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", MigrationChild.class.getName()));
        emulator.hostConfig().forEach((key, value) -> command.add(key + "=" + value));
        command.addAll(List.of("JDBC_URL=" + coordinator.jdbcUrl(), "JDBC_USER=" + coordinator.user(),
                "JDBC_PASSWORD=" + coordinator.password(), "RUN_ID=sharded-kill-test", "WORKERS=2", "BATCH_SIZE=100",
                "LEASE_SECONDS=2"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private boolean awaitBatches(Process child, int batches) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        int seen = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            childOutput.add(line);
            if (line.startsWith("BATCH") && ++seen >= batches) {
                return true;
            }
        }
        return false;
    }

    // Counts every committed write of each row on the shard, in the writer's (remote) transaction.
    private static void countWritesPerRow(TestDatabase shard) throws SQLException {
        try (Connection connection = shard.connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE row_writes (namespace text NOT NULL, id text NOT NULL, writes integer NOT NULL,"
                    + " PRIMARY KEY (namespace, id))");
            statement.execute("CREATE FUNCTION count_row_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO public.row_writes VALUES (NEW.namespace, NEW.id, 1)"
                    + " ON CONFLICT (namespace, id) DO UPDATE SET writes = row_writes.writes + 1; RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER count_row_writes AFTER INSERT OR UPDATE ON rag_chunks FOR EACH ROW"
                    + " EXECUTE FUNCTION count_row_write()");
        }
    }

    private static long count(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
