package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.Replica;
import io.amprenta.vectorstore.testkit.postgres.ReplicatedDatabase;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reads on real streaming replicas started by the harness: where reads and writes land, read-your-writes with the
 * replica's replay paused to create lag, a replica that goes away or is promoted, and what health says.
 */
@ExtendWith(PostgresExtension.class)
class ReadReplicasIT {

    private static final int DIMENSION = 4;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final ReplicatedDatabase replicated;

    ReadReplicasIT(ReplicatedDatabase replicated) {
        this.replicated = replicated;
    }

    private String table() {
        String table = "replicated_" + TABLES.incrementAndGet();
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION).build();
        SchemaManager.create(replicated.primary().dataSource(), settings).upgrade();
        return table;
    }

    private Map<String, String> config(String table, String readYourWrites) {
        Map<String, String> config = replicated.primary().config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_POOL_SIZE", "3");
        config.put("PGVECTOR_READ_YOUR_WRITES", readYourWrites);
        return config;
    }

    private static VectorRecord record(String id, int axis) {
        return VectorRecord.of(id, TestData.unit(DIMENSION, axis), Map.of("id", id));
    }

    /** Writes a row on the primary behind the store's back, so read-your-writes does not know of it. */
    private void insertDirectly(String table, String id) throws SQLException {
        try (Connection connection = replicated.primary().connection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO " + table + " (namespace, id, embedding) VALUES ('', '" + id + "', '[1,0,0,0]')");
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void readsGoToTheListedReplicaAndWritesToThePrimary() throws SQLException {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "off");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        try (VectorStore store = VectorStores.get(config)) {
            store.upsert(List.of(record("a", 0)));
            try (Connection primary = replicated.primary().connection()) {
                assertThat(queryString(primary, "SELECT count(*) FROM " + table + " WHERE id = 'a'")).isEqualTo("1");
            }
            replica.awaitReplay();
            replica.pauseReplay();
            try {
                insertDirectly(table, "hidden");
                // The replica has not replayed the insert, so every read that misses it ran there.
                assertThat(store.fetch(List.of("a", "hidden")).keySet()).containsExactly("a");
                assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10).build()))
                        .extracting(match -> match.id()).containsExactly("a");
                assertThat(store.listIds(IdPageRequest.first(100)).ids()).containsExactly("a");
                assertThat(store.stats().totalCount()).isEqualTo(1);
            } finally {
                replica.resumeReplay();
            }
            replica.awaitReplay();
            assertThat(store.fetch(List.of("a", "hidden")).keySet()).containsExactlyInAnyOrder("a", "hidden");
        }
    }

    @Test
    void aMultiHostUrlAskingForAStandbyReadsFromItAndWritesToThePrimary() throws SQLException {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "off");
        String primaryUrl = config.get("DATABASE_URL");
        int slash = primaryUrl.indexOf('/', "postgresql://".length());
        config.put("DATABASE_URL", primaryUrl.substring(0, slash) + "," + replica.host() + ":" + replica.port()
                + primaryUrl.substring(slash) + "?targetServerType=preferSecondary");
        try (VectorStore store = VectorStores.get(config)) {
            store.upsert(List.of(record("a", 0)));
            replica.awaitReplay();
            replica.pauseReplay();
            try {
                insertDirectly(table, "hidden");
                assertThat(store.fetch(List.of("a", "hidden")).keySet()).containsExactly("a");
            } finally {
                replica.resumeReplay();
            }
        }
    }

    @Test
    void withReadYourWritesOffAReadRightAfterAWriteMayMissIt() {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "off");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        try (VectorStore store = VectorStores.get(config)) {
            replica.pauseReplay();
            try {
                store.upsert(List.of(record("new", 1)));
                assertThat(store.fetch(List.of("new"))).isEmpty();
            } finally {
                replica.resumeReplay();
            }
        }
    }

    @Test
    void readYourWritesPrimaryReadsTheWriteAtOnceWhileTheReplicaLags() throws SQLException {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "primary");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        // A bound this long would show if the read waited for the replica; in primary mode it must not.
        config.put("PGVECTOR_READ_YOUR_WRITES_WAIT", "30s");
        try (VectorStore store = VectorStores.get(config)) {
            replica.pauseReplay();
            try {
                insertDirectly(table, "hidden");
                store.upsert(List.of(record("mine", 1)));
                long started = System.nanoTime();
                // The primary answers: it has the store's write and the row written behind its back alike.
                assertThat(store.fetch(List.of("mine", "hidden")).keySet()).containsExactlyInAnyOrder("mine", "hidden");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            } finally {
                replica.resumeReplay();
            }
            replica.awaitReplay();
            replica.pauseReplay();
            try {
                // Caught up with the store's last write, reads are back on the replica.
                insertDirectly(table, "later");
                assertThat(store.fetch(List.of("mine", "later")).keySet()).containsExactly("mine");
            } finally {
                replica.resumeReplay();
            }
        }
    }

    @Test
    void readYourWritesWaitWaitsForTheReplicaWithinTheBoundThenReadsThePrimary() throws SQLException {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "wait");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        config.put("PGVECTOR_READ_YOUR_WRITES_WAIT", "300ms");
        try (VectorStore store = VectorStores.get(config)) {
            replica.pauseReplay();
            try {
                store.upsert(List.of(record("first", 0)));
                long started = System.nanoTime();
                assertThat(store.fetch(List.of("first")).keySet()).containsExactly("first");
                // The replica never replayed the write: the read waited the whole bound, then the primary answered.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            } finally {
                replica.resumeReplay();
            }
        }
        config.put("PGVECTOR_READ_YOUR_WRITES_WAIT", "60s");
        try (VectorStore store = VectorStores.get(config)) {
            replica.pauseReplay();
            insertDirectly(table, "hidden");
            store.upsert(List.of(record("second", 1)));
            CompletableFuture<Void> resume = CompletableFuture.runAsync(() -> {
                sleep(Duration.ofMillis(300));
                replica.resumeReplay();
            });
            long started = System.nanoTime();
            // The replica replays within the bound, so it answers: it has the write and everything before it.
            assertThat(store.fetch(List.of("second", "hidden")).keySet()).containsExactlyInAnyOrder("second", "hidden");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            resume.join();
            // Well within the bound: the replica answered, not the primary after the bound.
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(50));
        }
    }

    @Test
    void aStoppedReplicaIsSkippedAndHealthSaysSoUntilItIsBack() {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "wait");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        String server = replica.host() + ":" + replica.port();
        try (VectorStore store = VectorStores.get(config)) {
            store.upsert(List.of(record("a", 0), record("b", 1)));
            HealthReport healthy = store.health();
            assertThat(healthy.status()).isEqualTo(HealthReport.Status.UP);
            assertThat(healthy.details().get("readServers").toString()).contains(server).contains("role=replica")
                    .contains("lagBytes=");

            replica.stop();
            try {
                // Reads that meet the pool's connections to the stopped replica, and new ones, are answered.
                for (int i = 0; i < 10; i++) {
                    assertThat(store.fetch(List.of("a", "b"))).hasSize(2);
                    assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 1)).topK(1).build()).get(0).id())
                            .isEqualTo("b");
                }
                HealthReport degraded = store.health();
                assertThat(degraded.status()).isEqualTo(HealthReport.Status.DEGRADED);
                assertThat(degraded.message()).contains(server).contains("unreachable");
                assertThat(degraded.details().get("readServers").toString()).contains("role=unreachable");
            } finally {
                replica.start();
            }
            replica.awaitReplay();
            assertThat(store.health().status()).isEqualTo(HealthReport.Status.UP);
            assertThat(store.fetch(List.of("a", "b"))).hasSize(2);
        }
    }

    @Test
    void healthReportsAPausedReplicasLagAndAPromotedReplica() throws SQLException {
        String table = table();
        Replica replica = replicated.startReplica();
        Map<String, String> config = config(table, "off");
        config.put("PGVECTOR_READ_REPLICA_URLS", replica.databaseUrl());
        String server = replica.host() + ":" + replica.port();
        try (VectorStore store = VectorStores.get(config)) {
            replica.pauseReplay();
            insertDirectly(table, "x");
            HealthReport lagging = store.health();
            assertThat(lagging.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(lagging.message()).contains(server).contains("paused");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> servers = (List<Map<String, Object>>) lagging.details().get("readServers");
            Map<String, Object> entry = servers.stream().filter(s -> server.equals(s.get("server"))).findFirst().orElseThrow();
            assertThat((Long) entry.get("lagBytes")).isPositive();
            assertThat(entry.get("replayPaused")).isEqualTo(true);
            replica.resumeReplay();
            replica.awaitReplay();

            replica.promote();
            HealthReport split = store.health();
            assertThat(split.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(split.message()).contains(server).contains("promoted");
        }
    }

    @Test
    void aReplicaListNamingAnotherDatabaseIsRefusedBeforeAnythingIsWritten() {
        String table = table();
        Map<String, String> config = config(table, "wait");
        TestDatabase primary = replicated.primary();
        config.put("PGVECTOR_READ_REPLICA_URLS", "postgresql://" + primary.user() + "@127.0.0.1:1/other_db");
        assertThatThrownBy(() -> VectorStores.get(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("PGVECTOR_READ_REPLICA_URLS").hasMessageContaining("other_db");
        config.put("PGVECTOR_READ_REPLICA_URLS", "not a url");
        assertThatThrownBy(() -> VectorStores.get(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("PGVECTOR_READ_REPLICA_URLS");
        config.put("PGVECTOR_READ_REPLICA_URLS", "postgresql://127.0.0.1:1");
        config.put("PGVECTOR_READ_YOUR_WRITES", "sometimes");
        assertThatThrownBy(() -> VectorStores.get(config)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("PGVECTOR_READ_YOUR_WRITES");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
