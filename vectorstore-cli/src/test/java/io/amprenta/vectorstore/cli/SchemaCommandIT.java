package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code vectorstore schema ...} on an application's existing rag_chunks table, as the README describes it. */
@ExtendWith(PostgresExtension.class)
class SchemaCommandIT {

    private TestDatabase database;
    private Map<String, String> environment;

    @BeforeEach
    void applicationTable(TestDatabase classDatabase) throws SQLException {
        database = classDatabase.createAnother();
        environment = new HashMap<>(database.config());
        environment.put("PGVECTOR_DIMENSION", "3");
        execute("CREATE TABLE rag_chunks (id text PRIMARY KEY, content text NOT NULL, document_id int)");
        execute("INSERT INTO rag_chunks (id, content, document_id) SELECT 'chunk-' || g, 'text ' || g, g FROM generate_series(1, 5) g");
    }

    @Test
    void upgradeThenStatusThenRefusedAndPreservingDowngrade() throws SQLException {
        CliRun before = CliRun.of(environment, "schema", "status");
        assertThat(before.exitCode()).as(before.err()).isEqualTo(ExitCode.FINDINGS);
        assertThat(before.out()).contains("schema version:   0");

        CliRun upgrade = CliRun.of(environment, "schema", "upgrade");
        assertThat(upgrade.exitCode()).as(upgrade.err()).isEqualTo(ExitCode.OK);
        assertThat(upgrade.out()).contains("schema version 0 -> ").contains("embedding")
                .contains("Calibration skipped: public.rag_chunks holds 0 embedded rows, fewer than 10,000");
        assertThat(CliRun.of(environment, "schema", "upgrade").out()).contains("(nothing to change)");

        CliRun after = CliRun.of(environment, "schema", "status");
        assertThat(after.exitCode()).as(after.out()).isEqualTo(ExitCode.OK);
        assertThat(after.out()).contains("dimension:        3").contains("hnsw").contains("5 pending");

        Map<String, String> store = new HashMap<>(environment);
        store.put("VECTOR_BACKEND", "pgvector");
        try (VectorStore pgvector = VectorStores.get(store)) {
            pgvector.upsert(List.of(VectorRecord.of("chunk-1", new float[] {1, 0, 0}, Map.of("k", "v"))));
        }

        CliRun refused = CliRun.of(environment, "schema", "downgrade");
        assertThat(refused.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(refused.err()).contains("docs/errors.md#downgrade-refused");
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL")).isEqualTo(1);

        CliRun preserved = CliRun.of(environment, "schema", "downgrade", "--backup-table", "rag_chunks_embeddings");
        assertThat(preserved.exitCode()).as(preserved.err()).isEqualTo(ExitCode.OK);
        assertThat(preserved.out()).contains("embeddings preserved in table rag_chunks_embeddings");
        assertThat(count("SELECT count(*) FROM rag_chunks_embeddings")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'rag_chunks'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE content = 'text ' || document_id")).isEqualTo(5);
    }

    @Test
    void anUpgradeOnAPopulatedTableEndsWithTheCalibrationUnlessToldNot() throws SQLException {
        execute("ALTER TABLE rag_chunks ALTER COLUMN content SET DEFAULT ''"); // so the store may insert rows
        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();
        java.util.Random random = new java.util.Random(3);
        try (VectorStore pgvector = VectorStores.get(storeConfig(environment))) {
            for (int batch = 0; batch < 10; batch++) {
                List<VectorRecord> records = new java.util.ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    records.add(VectorRecord.of("r-" + batch + "-" + i, new float[] {random.nextFloat() - 0.5f,
                            random.nextFloat() - 0.5f, random.nextFloat() - 0.5f}, Map.of()));
                }
                pgvector.upsert(records);
            }
        }

        CliRun optedOut = CliRun.of(environment, "schema", "upgrade", "--no-calibrate");
        assertThat(optedOut.exitCode()).as(optedOut.err()).isZero();
        assertThat(optedOut.out()).doesNotContain("Calibrat");
        assertThat(count("SELECT count(*) FROM vectorstore_search_calibration")).isZero();

        CliRun upgrade = CliRun.of(environment, "schema", "upgrade");
        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
        assertThat(upgrade.out()).contains("(nothing to change)")
                .contains("Calibrating public.rag_chunks for recall@10 >= 0.950 on 10,000 rows")
                .contains("Saved for public.rag_chunks: ef_search ");
        assertThat(count("SELECT count(*) FROM vectorstore_search_calibration WHERE row_count = 10000")).isEqualTo(1);
        assertThat(CliRun.of(environment, "schema", "status").out()).contains("calibrated:       ef_search");
    }

    @Test
    void aPreservingDowngradeIsUndoneByUpgradeAndRestore() throws SQLException {
        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();
        Map<String, String> store = storeConfig(environment);
        VectorRecord record = VectorRecord.of("chunk-2", new float[] {0.5f, 0.25f, -1}, Map.of("source", "faq", "year", 2024));
        try (VectorStore pgvector = VectorStores.get(store)) {
            pgvector.upsert(List.of(record));
        }
        assertThat(CliRun.of(environment, "schema", "downgrade", "--backup-table", "kept").exitCode()).isZero();

        CliRun early = CliRun.of(environment, "schema", "restore", "--from-table", "kept");
        assertThat(early.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(early.err()).contains("schema upgrade").contains("docs/errors.md#schema-outdated");

        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();
        CliRun missing = CliRun.of(environment, "schema", "restore", "--from-table", "no_such_backup");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(missing.err()).contains("There is no backup table public.no_such_backup");

        CliRun restore = CliRun.of(environment, "schema", "restore", "--from-table", "kept");
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("restored 1 embeddings from public.kept: 1 into existing rows, 0 as new rows");
        try (VectorStore pgvector = VectorStores.get(store)) {
            assertThat(pgvector.fetch(List.of("chunk-2"))).containsEntry("chunk-2", record);
        }
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE content = 'text ' || document_id")).isEqualTo(5);

        CliRun again = CliRun.of(environment, "schema", "restore", "--from-table", "kept");
        assertThat(again.out()).contains("restored 0 embeddings").contains("1 rows already had an embedding");
    }

    @Test
    void theLibrarysOwnTableIsRecreatedByUpgradeAndRefilledByRestore() throws SQLException {
        Map<String, String> own = new HashMap<>(environment);
        own.put("PGVECTOR_TABLE", "library_chunks");
        assertThat(CliRun.of(own, "schema", "upgrade").exitCode()).isZero();
        List<VectorRecord> records = List.of(VectorRecord.of("a", new float[] {1, 0, 0}, Map.of("n", 1)),
                VectorRecord.of("b", new float[] {0, 1, 0}, Map.of()), VectorRecord.of("c", new float[] {0, 0, 1}, Map.of("t", "x")));
        try (VectorStore pgvector = VectorStores.get(storeConfig(own))) {
            pgvector.upsert(records);
            pgvector.inNamespace("tenant").upsert(records.subList(0, 1));
        }
        CliRun down = CliRun.of(own, "schema", "downgrade", "--backup-table", "library_chunks_kept");
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'library_chunks'")).as("dropped").isZero();

        assertThat(CliRun.of(own, "schema", "upgrade").exitCode()).isZero();
        CliRun restore = CliRun.of(own, "schema", "restore", "--from-table", "library_chunks_kept");

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("restored 4 embeddings").contains("0 into existing rows, 4 as new rows");
        try (VectorStore pgvector = VectorStores.get(storeConfig(own))) {
            assertThat(pgvector.fetch(List.of("a", "b", "c")).values()).containsExactlyElementsOf(records);
            assertThat(pgvector.inNamespace("tenant").fetch(List.of("a", "b"))).containsOnlyKeys("a");
        }
    }

    @Test
    void aRestoreThatWouldNeedRowsTheApplicationTableCannotTakeChangesNothing() throws SQLException {
        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();
        try (VectorStore pgvector = VectorStores.get(storeConfig(environment))) {
            pgvector.upsert(List.of(VectorRecord.of("chunk-1", new float[] {1, 0, 0}, Map.of()),
                    VectorRecord.of("chunk-3", new float[] {0, 1, 0}, Map.of())));
        }
        assertThat(CliRun.of(environment, "schema", "downgrade", "--backup-table", "kept3").exitCode()).isZero();
        execute("DELETE FROM rag_chunks WHERE id = 'chunk-3'"); // content is NOT NULL: the library cannot recreate it
        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();

        CliRun restore = CliRun.of(environment, "schema", "restore", "--from-table", "kept3");

        assertThat(restore.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(restore.err()).contains("cannot take new rows").contains("docs/errors.md#schema-conflict");
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL")).as("all or nothing").isZero();
    }

    @Test
    void downgradeStepByStepAndDroppingEmbeddingsDeliberately() throws SQLException {
        assertThat(CliRun.of(environment, "schema", "upgrade", "--to", "1").out()).contains("schema version 0 -> 1");
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE tablename = 'rag_chunks' AND indexdef LIKE '%hnsw%'")).isZero();
        assertThat(CliRun.of(environment, "schema", "upgrade").out()).contains("schema version 1 -> 4");
        try (VectorStore pgvector = VectorStores.get(storeConfig(environment))) {
            pgvector.upsert(List.of(VectorRecord.of("chunk-1", new float[] {1, 0, 0}, Map.of())));
        }

        CliRun toOne = CliRun.of(environment, "schema", "downgrade", "--to", "1");
        assertThat(toOne.exitCode()).as(toOne.err()).isZero();
        assertThat(toOne.out()).contains("schema version 4 -> 1");
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding IS NOT NULL")).as("version 1 keeps the column").isEqualTo(1);

        CliRun dropped = CliRun.of(environment, "schema", "downgrade", "--drop-embeddings");
        assertThat(dropped.exitCode()).as(dropped.err()).isZero();
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'rag_chunks'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM rag_chunks")).isEqualTo(5);
    }

    private static Map<String, String> storeConfig(Map<String, String> environment) {
        Map<String, String> store = new HashMap<>(environment);
        store.put("VECTOR_BACKEND", "pgvector");
        store.put("PGVECTOR_POOL_SIZE", "2");
        return store;
    }

    @Test
    void sqlPrintsTheDdlWithoutADatabase() {
        Map<String, String> noDatabase = Map.of("PGVECTOR_DIMENSION", "384", "PGVECTOR_METRIC", "dotproduct");

        CliRun up = CliRun.of(noDatabase, "schema", "sql");
        CliRun down = CliRun.of(noDatabase, "schema", "sql", "--downgrade");

        assertThat(up.exitCode()).as(up.err()).isEqualTo(ExitCode.OK);
        assertThat(up.out()).contains("CREATE EXTENSION IF NOT EXISTS vector").contains("vector(384)").contains("vector_ip_ops");
        assertThat(down.out()).contains("DROP");
    }

    @Test
    void anUnreachableDatabaseIsReportedWithoutThePassword() {
        Map<String, String> wrong = Map.of("DATABASE_URL", "postgresql://app:s3cret-pw@127.0.0.1:1/rag", "PGVECTOR_DIMENSION", "3");

        CliRun run = CliRun.of(wrong, "schema", "status");

        assertThat(run.exitCode()).isEqualTo(ExitCode.STOPPED);
        assertThat(run.err()).contains("docs/errors.md#unavailable").doesNotContain("s3cret-pw");
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
