package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.ShardedDatabase;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table sharded across three servers through {@code postgres_fdw} (ARCHITECTURE.md, "Shards"): the query pushes
 * its top-k to every shard and runs them concurrently, rows land where PostgreSQL's hash partitioning says, the
 * backfill-race rule holds through the foreign partitions, a batch one shard refuses leaves every shard as it was, and
 * the store keeps the coordinator's statistics of the foreign partitions current without anyone running ANALYZE.
 */
@ExtendWith(PostgresExtension.class)
class ShardedQueryIT {

    private static final int DIMENSION = 8;

    private final ShardedDatabase sharded;

    ShardedQueryIT(ShardedDatabase sharded) {
        this.sharded = sharded;
    }

    private PgVectorSettings create(String table, ShardedSchema.ShardKey key) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION).build();
        ShardedSchema.create(sharded.coordinator().dataSource(), settings, key,
                sharded.shards(3).stream().map(TestDatabase::databaseUrl).toList()).upgrade(UpgradeOptions.latest());
        return settings;
    }

    private VectorStore store(String table) {
        Map<String, String> config = sharded.coordinator().config();
        config.put("VECTOR_BACKEND", "pgvector");
        config.put("PGVECTOR_TABLE", table);
        config.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        return VectorStores.get(config);
    }

    @Test
    void aQueryPushesItsTopKToEveryShardAndRunsThemConcurrently() throws SQLException {
        create("sharded_plan", ShardedSchema.ShardKey.ID);
        try (VectorStore store = store("sharded_plan")) {
            store.upsert(TestData.randomRecords(new Random(3), 300, DIMENSION, "doc-"));
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            // The planner pushes a shard's LIMIT when it expects more than k rows there; foreign tables have
            // statistics only once the coordinator analyzes them, which the store does after enough writes.
            awaitEstimates("sharded_plan", estimates -> estimates.stream().allMatch(rows -> rows > 7));
            String plan = explainVerbose(table.searchStatement("", Query.builder(TestData.unit(DIMENSION, 1)).topK(7)
                    .build()));

            assertPushesTopK(plan, 7);
            List<Match> matches = store.query(Query.builder(TestData.unit(DIMENSION, 1)).topK(7).build());
            assertThat(matches).hasSize(7);
            assertThat(matches).isEqualTo(table.exactSearch("", Query.builder(TestData.unit(DIMENSION, 1)).topK(7).build()));
        }
    }

    @Test
    void rowsLandOnTheShardPostgresHashOfTheNamespacePicks() throws SQLException {
        create("sharded_by_namespace", ShardedSchema.ShardKey.NAMESPACE);
        List<String> namespaces = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta");
        try (VectorStore store = store("sharded_by_namespace")) {
            for (String namespace : namespaces) {
                store.inNamespace(namespace).upsert(TestData.randomRecords(new Random(namespace.hashCode()), 5, DIMENSION,
                        namespace + "-"));
            }
            for (String namespace : namespaces) {
                assertThat(store.inNamespace(namespace).query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10).build()))
                        .hasSize(5);
            }
        }
        List<TestDatabase> shards = sharded.shards(3);
        for (int shard = 0; shard < shards.size(); shard++) {
            for (String namespace : namespaces) {
                boolean hashed = Boolean.parseBoolean(Sql.value(sharded.coordinator().dataSource(),
                        "SELECT satisfies_hash_partition('sharded_by_namespace'::regclass, 3, " + shard + ", '"
                                + namespace + "'::text)::text"));
                long rows = Sql.count(shards.get(shard).dataSource(), "SELECT count(*) FROM sharded_by_namespace"
                        + " WHERE namespace = '" + namespace + "'");
                assertThat(rows).as(namespace + " on shard " + shard).isEqualTo(hashed ? 5 : 0);
            }
        }
    }

    @Test
    void theMigratorsWriteReplacesOnlyRowsWrittenBeforeItsFetch() throws SQLException {
        create("sharded_backfill", ShardedSchema.ShardKey.ID);
        try (VectorStore store = store("sharded_backfill")) {
            Instant beforeTheDualWrite = Instant.now().minusSeconds(60);
            store.upsert(List.of(VectorRecord.of("doc", TestData.unit(DIMENSION, 0), Map.of("v", "new"))));
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            VectorRecord olderCopy = VectorRecord.of("doc", TestData.unit(DIMENSION, 1), Map.of("v", "old"));
            VectorRecord freshCopy = VectorRecord.of("fresh", TestData.unit(DIMENSION, 2), Map.of("v", "copied"));
            try (Connection connection = sharded.coordinator().connection()) {
                connection.setAutoCommit(false);
                table.write(connection, "", List.of(olderCopy, freshCopy),
                        PgWriteOptions.upsert(null).replacingOnlyRowsWrittenBefore(beforeTheDualWrite));
                connection.commit();
            }
            assertThat(store.fetch(List.of("doc")).get("doc").metadata()).isEqualTo(Map.of("v", "new"));
            assertThat(store.fetch(List.of("fresh")).get("fresh").metadata()).isEqualTo(Map.of("v", "copied"));

            try (Connection connection = sharded.coordinator().connection()) {
                connection.setAutoCommit(false);
                table.write(connection, "", List.of(olderCopy),
                        PgWriteOptions.upsert(null).replacingOnlyRowsWrittenBefore(Instant.now().plusSeconds(60)));
                connection.commit();
            }
            assertThat(store.fetch(List.of("doc")).get("doc").metadata()).isEqualTo(Map.of("v", "old"));
        }
    }

    @Test
    void aBatchOneShardRefusesLeavesEveryShardAsItWas() {
        create("sharded_refusal", ShardedSchema.ShardKey.ID);
        for (TestDatabase shard : sharded.shards(3)) {
            Sql.execute(shard.dataSource(), "ALTER TABLE sharded_refusal ADD CONSTRAINT no_poison CHECK (id <> 'poison')");
        }
        List<VectorRecord> batch = new ArrayList<>(TestData.randomRecords(new Random(5), 30, DIMENSION, "ok-"));
        batch.add(VectorRecord.of("poison", TestData.unit(DIMENSION, 3)));
        try (VectorStore store = store("sharded_refusal")) {
            assertThatThrownBy(() -> store.upsert(batch)).isInstanceOf(VectorStoreException.class)
                    .hasMessageContaining("no_poison");
            assertThat(store.stats().count("")).isZero();
        }
        for (TestDatabase shard : sharded.shards(3)) {
            assertThat(Sql.count(shard.dataSource(), "SELECT count(*) FROM sharded_refusal")).isZero();
        }
    }

    @Test
    void writesThatMayHaveDoubledTheTableRefreshTheCoordinatorsStatisticsAndFewerDoNot() {
        create("sharded_growth", ShardedSchema.ShardKey.ID);
        try (VectorStore store = store("sharded_growth")) {
            ShardStatistics statistics = store.unwrap(PgVectorTable.class).backend().shardStatistics().orElseThrow();
            // schema upgrade analyzed the empty partitions: 50 written rows start the next analysis.
            assertThat(estimates("sharded_growth")).containsExactly(0L, 0L, 0L);
            store.upsert(TestData.randomRecords(new Random(11), 300, DIMENSION, "a-"));
            awaitEstimates("sharded_growth", estimates -> sum(estimates) == 300);
            awaitAnalyses(statistics, 1);

            // 70 more rows are below 50 + 300: no analysis is started.
            store.upsert(TestData.randomRecords(new Random(12), 70, DIMENSION, "b-"));
            assertThat(statistics.analyses()).isEqualTo(1);
            assertThat(sum(estimates("sharded_growth"))).isEqualTo(300);

            store.upsert(TestData.randomRecords(new Random(13), 1_000, DIMENSION, "c-"));
            awaitEstimates("sharded_growth", estimates -> sum(estimates) == 1_370);
            awaitAnalyses(statistics, 2);

            // 500 new rows are below 50 + 1,370; deletes count too: 1,000 more reach it.
            store.upsert(TestData.randomRecords(new Random(14), 500, DIMENSION, "d-"));
            assertThat(statistics.analyses()).isEqualTo(2);
            store.delete(TestData.randomRecords(new Random(13), 1_000, DIMENSION, "c-").stream().map(VectorRecord::id)
                    .toList());
            awaitEstimates("sharded_growth", estimates -> sum(estimates) == 870);
            awaitAnalyses(statistics, 3);
        }
    }

    @Test
    void aStoreOpenedOnATableTheCoordinatorNeverAnalyzedAnalyzesItAndStatusSaysSo() throws SQLException {
        PgVectorSettings settings = create("sharded_unanalyzed", ShardedSchema.ShardKey.ID);
        List<TestDatabase> shards = sharded.shards(3);
        for (int shard = 0; shard < shards.size(); shard++) {
            Sql.execute(shards.get(shard).dataSource(), "INSERT INTO sharded_unanalyzed (id, embedding) SELECT 's" + shard
                    + "-' || g, ('[' || array_to_string(array_fill(g::real, ARRAY[" + DIMENSION + "]), ',') || ']')::vector"
                    + " FROM generate_series(1, " + (100 + shard) + ") g");
        }
        // As a table sharded before the store kept statistics looks: the coordinator never analyzed its partitions.
        Sql.execute(sharded.coordinator().dataSource(), "UPDATE pg_class SET reltuples = -1 WHERE oid IN"
                + " (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'sharded_unanalyzed'::regclass)");
        ShardedSchema schema = ShardedSchema.create(sharded.coordinator().dataSource(), settings,
                ShardedSchema.ShardKey.ID, shards.stream().map(TestDatabase::databaseUrl).toList());
        List<SchemaStatus> before = schema.status();
        assertThat(before).allSatisfy(status -> {
            assertThat(status.shardStatistics()).contains("never analyzed on the coordinator");
            assertThat(status.describe()).contains("shard statistics: never analyzed on the coordinator");
            assertThat(status.problems()).anySatisfy(problem -> assertThat(problem)
                    .contains("never analyzed its foreign partition").contains("Run `ANALYZE \"public\".\"sharded_unanalyzed_shard_"));
        });

        try (VectorStore store = store("sharded_unanalyzed")) {
            awaitEstimates("sharded_unanalyzed", estimates -> estimates.equals(List.of(100L, 101L, 102L)));
            assertPushesTopK(explainVerbose(store.unwrap(PgVectorTable.class).searchStatement("",
                    Query.builder(TestData.unit(DIMENSION, 1)).topK(7).build())), 7);
            assertThat(store.health().details().get("shardStatistics").toString())
                    .contains("~100 rows on the coordinator").contains("~102 rows on the coordinator");
        }
        List<SchemaStatus> after = schema.status();
        assertThat(after.get(2).describe()).contains("shard statistics: ~102 rows on the coordinator");
        assertThat(after).allSatisfy(status -> assertThat(status.problems()).isEmpty());
    }

    // The coordinator's row estimate of each foreign partition of table, in shard order (-1: never analyzed).
    private List<Long> estimates(String table) {
        return Sql.rows(sharded.coordinator().dataSource(), "SELECT c.reltuples::int8 FROM pg_inherits i JOIN pg_class c"
                + " ON c.oid = i.inhrelid WHERE i.inhparent = '" + table + "'::regclass ORDER BY c.relname")
                .stream().map(Long::parseLong).toList();
    }

    // The store analyzes in the background: waits (at most 30 s) until the coordinator's estimates satisfy done.
    private void awaitEstimates(String table, Predicate<List<Long>> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Long> estimates = estimates(table);
        while (!done.test(estimates) && System.nanoTime() - deadline < 0) {
            pause();
            estimates = estimates(table);
        }
        assertThat(done.test(estimates)).as("the coordinator's estimates of " + table + "'s partitions after 30 s: "
                + estimates).isTrue();
    }

    private static void awaitAnalyses(ShardStatistics statistics, long count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (statistics.analyses() < count && System.nanoTime() - deadline < 0) {
            pause();
        }
        assertThat(statistics.analyses()).isEqualTo(count);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long sum(List<Long> estimates) {
        return estimates.stream().mapToLong(Long::longValue).sum();
    }

    private static void assertPushesTopK(String plan, int topK) {
        assertThat(count(plan, "Async Foreign Scan")).as(plan).isEqualTo(3);
        assertThat(count(plan, "ORDER BY \\(embedding OPERATOR\\(public.<=>\\) [^)]+\\) ASC NULLS LAST LIMIT " + topK
                + "::bigint")).as(plan).isEqualTo(3);
    }

    private String explainVerbose(SearchStatement statement) throws SQLException {
        try (Connection connection = sharded.coordinator().connection()) {
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement explain = connection.prepareStatement("EXPLAIN (VERBOSE) " + statement.sql())) {
                for (int i = 0; i < statement.parameters().size(); i++) {
                    explain.setObject(i + 1, statement.parameters().get(i));
                }
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
            }
            return plan.toString();
        }
    }

    private static int count(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        int found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }
}
