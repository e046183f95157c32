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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table sharded across three servers through {@code postgres_fdw} (ARCHITECTURE.md, "Shards"): the query pushes
 * its top-k to every shard and runs them concurrently, rows land where PostgreSQL's hash partitioning says, the
 * backfill-race rule holds through the foreign partitions, and a batch one shard refuses leaves every shard as it was.
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
            // statistics only once the coordinator analyzes them (the migrator does after a run).
            table.analyze();
            String plan = explainVerbose(table.searchStatement("", Query.builder(TestData.unit(DIMENSION, 1)).topK(7)
                    .build()));

            assertThat(count(plan, "Async Foreign Scan")).as(plan).isEqualTo(3);
            assertThat(count(plan, "ORDER BY \\(embedding OPERATOR\\(public.<=>\\) [^)]+\\) ASC NULLS LAST LIMIT 7::bigint")).as(plan).isEqualTo(3);
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
