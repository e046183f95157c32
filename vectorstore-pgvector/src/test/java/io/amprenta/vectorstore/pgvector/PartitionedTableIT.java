package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Namespaces as partitions: a partition (with its HNSW index) per namespace on the first write, also when writers
 * race; rows of the default partition moved out; {@code deleteAll} truncating; queries pruned to one partition with
 * its index; the conversion of a table the library created, the refusal of an application's table (its rows
 * untouched), and the way back.
 */
@ExtendWith(PostgresExtension.class)
class PartitionedTableIT {

    private static final int DIMENSION = 8;
    private static final UpgradeOptions PARTITIONED = UpgradeOptions.latest().partitionBy(Partitioning.NAMESPACE);

    private final DataSource dataSource;
    private final Random random = new Random(17);

    PartitionedTableIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    private static PgVectorSettings settings(String table) {
        return PgVectorSettings.builder().table(table).dimension(DIMENSION).build();
    }

    private VectorStore store(String table) {
        return PgVectorStore.builder().dataSource(dataSource).settings(settings(table)).build();
    }

    private List<String> partitions(String table) {
        return Sql.rows(dataSource, "SELECT c.relname || '=' || pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
                + " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '" + table + "'::regclass ORDER BY 1");
    }

    private static String partition(String table, String namespace) {
        return PartitionLayout.partitionName(new TableNames("public", table, "id", "vectorstore_metadata"), namespace);
    }

    private List<String> hnswIndexesOf(String relation) {
        return Sql.rows(dataSource, "SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_am am ON am.oid = ic.relam WHERE i.indrelid = '" + relation + "'::regclass AND am.amname = 'hnsw'"
                + " AND i.indisvalid");
    }

    @Test
    void theFirstWriteToANamespaceCreatesItsPartitionWithItsOwnIndex() {
        SchemaChange change = SchemaManager.create(dataSource, settings("tenants")).upgrade(PARTITIONED);
        assertThat(change.changes()).anySatisfy(line -> assertThat(line).startsWith("partitioned by namespace: LIST (namespace)"));
        assertThat(partitions("tenants")).containsExactly("tenants_ns_default=DEFAULT");

        try (VectorStore store = store("tenants")) {
            store.upsert(TestData.randomRecords(random, 5, DIMENSION, "d"));
            store.inNamespace("acme").upsert(TestData.randomRecords(random, 3, DIMENSION, "a"));
            store.inNamespace("acme").upsert(TestData.randomRecords(random, 2, DIMENSION, "b"));

            assertThat(partitions("tenants")).containsExactlyInAnyOrder("tenants_ns_default=DEFAULT",
                    partition("tenants", "") + "=FOR VALUES IN ('')", partition("tenants", "acme") + "=FOR VALUES IN ('acme')");
            assertThat(hnswIndexesOf(partition("tenants", "acme"))).hasSize(1);
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM " + partition("tenants", "acme"))).isEqualTo(5);
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM tenants_ns_default")).isZero();
            assertThat(store.stats().namespaceCounts()).containsEntry("", 5L).containsEntry("acme", 5L);
            assertThat(store.listNamespaces()).contains("", "acme");

            SchemaStatus status = SchemaManager.create(dataSource, settings("tenants")).status();
            assertThat(status.isCurrent()).as(status.describe()).isTrue();
            assertThat(status.partitions()).hasValue("LIST (namespace): 2 namespace partition(s), default partition with 0 row(s)");
            assertThat(status.describe()).contains("partitions:       LIST (namespace)");
            Sql.execute(dataSource, "ANALYZE tenants");
            HealthReport health = store.inNamespace("acme").health();
            assertThat(health.status()).as(health.message()).isEqualTo(HealthReport.Status.UP);
            assertThat(health.details()).containsEntry("vectorIndex", "tenants_embedding_hnsw")
                    .containsEntry("partitions", status.partitions().orElseThrow()).containsEntry("estimatedRows", 10L);
        }
    }

    @Test
    void writersRacingToANewNamespaceCreateOnePartitionAndLoseNoRow() throws Exception {
        SchemaManager.create(dataSource, settings("raced")).upgrade(PARTITIONED);
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<VectorStore> stores = new ArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                VectorStore store = store("raced");
                stores.add(store);
                List<VectorRecord> records = TestData.randomRecords(new Random(w), 20, DIMENSION, "w" + w + "-");
                done.add(pool.submit(() -> {
                    start.await();
                    store.inNamespace("new-tenant").upsert(records);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(VectorStore::close);
        }
        assertThat(partitions("raced")).hasSize(2).contains(partition("raced", "new-tenant") + "=FOR VALUES IN ('new-tenant')");
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM " + partition("raced", "new-tenant"))).isEqualTo(80);
    }

    @Test
    void rowsAlreadyInTheDefaultPartitionMoveIntoTheNewPartition() {
        SchemaManager.create(dataSource, settings("defaulted")).upgrade(PARTITIONED);
        // Written by the application itself, not through the store: they land in the default partition.
        Sql.execute(dataSource, "INSERT INTO defaulted (namespace, id, embedding) VALUES ('legacy', 'old-1',"
                + " '[1,0,0,0,0,0,0,0]'), ('legacy', 'old-2', '[0,1,0,0,0,0,0,0]'), ('other', 'o-1', '[0,0,1,0,0,0,0,0]')");
        try (VectorStore store = store("defaulted")) {
            store.inNamespace("legacy").upsert(List.of(VectorRecord.of("new-1", TestData.unit(DIMENSION, 3), Map.of())));

            assertThat(Sql.rows(dataSource, "SELECT id FROM " + partition("defaulted", "legacy") + " ORDER BY id"))
                    .containsExactly("new-1", "old-1", "old-2");
            assertThat(Sql.rows(dataSource, "SELECT namespace || '/' || id FROM defaulted_ns_default")).containsExactly("other/o-1");
            assertThat(store.inNamespace("legacy").fetch(List.of("old-1", "new-1"))).containsOnlyKeys("old-1", "new-1");
            assertThat(SchemaManager.create(dataSource, settings("defaulted")).status().partitions())
                    .hasValue("LIST (namespace): 1 namespace partition(s), default partition with 1 row(s)");
        }
    }

    @Test
    void deleteAllTruncatesTheNamespacesPartitionAndLeavesTheOthers() {
        SchemaManager.create(dataSource, settings("offboarded")).upgrade(PARTITIONED);
        try (VectorStore store = store("offboarded")) {
            store.inNamespace("leaving").upsert(TestData.randomRecords(random, 30, DIMENSION, "l"));
            store.inNamespace("staying").upsert(TestData.randomRecords(random, 10, DIMENSION, "s"));
            String leaving = partition("offboarded", "leaving");
            String before = Sql.value(dataSource, "SELECT pg_relation_filenode('" + leaving + "')");

            store.inNamespace("leaving").deleteAll();

            // TRUNCATE gives the partition a new file; a DELETE would leave the old one with dead rows.
            assertThat(Sql.value(dataSource, "SELECT pg_relation_filenode('" + leaving + "')")).isNotEqualTo(before);
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM " + leaving)).isZero();
            assertThat(store.stats().namespaceCounts()).containsOnlyKeys("staying").containsEntry("staying", 10L);
            store.deleteNamespace("staying");
            assertThat(store.listNamespaces()).isEmpty();
            // The partitions stay, ready for the next write.
            store.inNamespace("leaving").upsert(TestData.randomRecords(random, 2, DIMENSION, "again"));
            assertThat(store.stats().namespaceCounts()).containsOnly(Map.entry("leaving", 2L));
        }
    }

    @Test
    void aQueryBoundToANamespaceScansOnlyThatPartitionsIndexAlsoInAGenericPlan() throws Exception {
        SchemaManager.create(dataSource, settings("pruned")).upgrade(PARTITIONED);
        try (VectorStore store = store("pruned")) {
            store.inNamespace("large").upsert(TestData.randomRecords(random, 300, DIMENSION, "L"));
            store.inNamespace("small").upsert(TestData.randomRecords(random, 20, DIMENSION, "S"));
            Sql.execute(dataSource, "ANALYZE pruned");
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            String small = hnswIndexesOf(partition("pruned", "small")).get(0);
            String large = hnswIndexesOf(partition("pruned", "large")).get(0);

            // The store's query, its namespace bound as a parameter, plans on the small tenant's partition alone.
            String plan = table.explain("small", Query.builder(TestData.randomVector(random, DIMENSION)).topK(5).build());
            assertThat(plan).contains(" on " + partition("pruned", "small")).doesNotContain(partition("pruned", "large"));

            // Prepared statements (pgjdbc's after five runs) get a generic plan: the namespace is pruned when it runs,
            // and the small tenant's own index serves it (a table this small would otherwise be scanned).
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET plan_cache_mode = force_generic_plan");
                statement.execute("SET enable_seqscan = off");
                statement.execute("PREPARE probe(text) AS SELECT id FROM pruned WHERE namespace = $1 AND embedding IS NOT NULL"
                        + " ORDER BY embedding <=> '[1,0,0,0,0,0,0,0]' LIMIT 5");
                StringBuilder generic = new StringBuilder();
                try (var rows = statement.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE probe('small')")) {
                    while (rows.next()) {
                        generic.append(rows.getString(1)).append('\n');
                    }
                }
                assertThat(generic.toString()).contains("Subplans Removed: 2").contains("Index Scan using " + small)
                        .doesNotContain(large);
            }
        }
    }

    @Test
    void aTableTheLibraryCreatedIsConvertedWithItsRowsAndComesBackDown() {
        SchemaManager manager = SchemaManager.create(dataSource, settings("converted"));
        manager.upgrade();
        List<VectorRecord> first = TestData.randomRecords(random, 12, DIMENSION, "x");
        List<VectorRecord> second = TestData.randomRecords(random, 7, DIMENSION, "y");
        try (VectorStore store = store("converted")) {
            store.inNamespace("one").upsert(first);
            store.inNamespace("two").upsert(second);
        }

        manager.upgrade(PARTITIONED);

        assertThat(partitions("converted")).hasSize(3);
        assertThat(hnswIndexesOf("converted")).containsExactly("converted_embedding_hnsw");
        assertThat(Sql.value(dataSource, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid ="
                + " 'converted'::regclass AND contype = 'p'")).isEqualTo("PRIMARY KEY (namespace, id)");
        SchemaStatus status = manager.status();
        assertThat(status.isCurrent()).as(status.describe()).isTrue();
        assertThat(status.createdByLibrary()).isTrue();
        try (VectorStore store = store("converted")) {
            assertThat(store.inNamespace("one").fetch(first.stream().map(VectorRecord::id).toList())).hasSize(12);
            assertThat(store.inNamespace("two").query(Query.builder(second.get(0).values()).topK(1).build()).get(0).id())
                    .isEqualTo(second.get(0).id());
            // The migrator's --defer-index drops the partitioned index and rebuilds it from its recorded definition,
            // for every partition (concurrently is impossible there, so it builds in a transaction).
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            assertThat(table.dropVectorIndex()).isTrue();
            assertThat(hnswIndexesOf(partition("converted", "one"))).isEmpty();
            table.buildVectorIndex(IndexBuildOptions.defaults().withConcurrently(true));
            assertThat(hnswIndexesOf("converted")).containsExactly("converted_embedding_hnsw");
            assertThat(hnswIndexesOf(partition("converted", "one"))).hasSize(1);
        }
        // Again: nothing to change.
        assertThat(manager.upgrade(PARTITIONED).changes()).isEmpty();

        SchemaChange down = manager.downgrade(DowngradeOptions.toNothing().backupTo("converted_backup"));
        assertThat(down.toVersion()).isZero();
        assertThat(Sql.value(dataSource, "SELECT to_regclass('converted') IS NULL")).isEqualTo("t");
        assertThat(Sql.value(dataSource, "SELECT to_regclass('" + partition("converted", "one") + "') IS NULL")).isEqualTo("t");
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM converted_backup")).isEqualTo(19);
    }

    @Test
    void anApplicationsTableIsRefusedAndLeftAsItWas() {
        Sql.execute(dataSource, "CREATE TABLE app_chunks (id text PRIMARY KEY, body text NOT NULL)",
                "INSERT INTO app_chunks SELECT 'c' || i, 'body ' || i FROM generate_series(1, 9) i");
        SchemaManager manager = SchemaManager.create(dataSource, settings("app_chunks"));
        manager.upgrade();
        try (VectorStore store = store("app_chunks")) {
            store.upsert(List.of(VectorRecord.of("c1", TestData.unit(DIMENSION, 0), Map.of("k", "v"))));
        }
        List<String> before = Sql.rows(dataSource, "SELECT id, body, embedding::text FROM app_chunks ORDER BY id");

        assertThatThrownBy(() -> manager.upgrade(PARTITIONED))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT))
                .hasMessageContaining("is the application's table").hasMessageContaining("Nothing was changed")
                .hasMessageContaining("schema sql --partition-by namespace");

        assertThat(Sql.rows(dataSource, "SELECT id, body, embedding::text FROM app_chunks ORDER BY id")).isEqualTo(before);
        assertThat(Sql.value(dataSource, "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'app_chunks'::regclass"))
                .isEqualTo("0");
        assertThat(hnswIndexesOf("app_chunks")).hasSize(1);
        assertThat(Sql.value(dataSource, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid ="
                + " 'app_chunks'::regclass AND contype = 'p'")).isEqualTo("PRIMARY KEY (id)");
    }

    @Test
    void thePrintedScriptBuildsTheSamePartitionedTable() {
        SchemaScript script = SchemaManager.sql(settings("scripted"), PARTITIONED, DowngradeOptions.toNothing());
        assertThat(script.upgradeSql()).contains("PARTITION BY LIST (\"namespace\")").contains("PARTITION OF");

        Sql.execute(dataSource, script.upgrade().toArray(String[]::new));

        assertThat(partitions("scripted")).containsExactly("scripted_ns_default=DEFAULT");
        assertThat(SchemaManager.create(dataSource, settings("scripted")).upgrade(PARTITIONED).changes()).isEmpty();
        Sql.execute(dataSource, script.downgrade().toArray(String[]::new));
        assertThat(Sql.value(dataSource, "SELECT to_regclass('scripted') IS NULL")).isEqualTo("t");
    }
}
