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
        assertThat(upgrade.out()).contains("schema version 0 -> ").contains("embedding");
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
