package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import io.grpc.Status;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's story in the application's own table, through the real command line: a table shaped as the
 * application's Alembic migration made it (its own columns, its own {@code metadata jsonb}, a uuid key, an
 * {@code embedding vector(n)} and its own HNSW index named as Alembic names it, rows with and without embeddings);
 * then status, upgrade, a migration with {@code --defer-index} that stops half-way and resumes, verify, queries,
 * deletes and the downgrade. The application's columns are compared byte for byte, and the vector indexes counted,
 * at every step.
 */
@ExtendWith(PostgresExtension.class)
class SeedScenarioIT {

    private static final int DIMENSION = 8;
    private static final int CHUNKS = 600;
    private static final String APPLICATION_COLUMNS = "SELECT id::text || '|' || content || '|' || document_id || '|'"
            + " || metadata::text FROM rag_chunks ORDER BY id";

    private PineconeEmulator emulator;
    private TestDatabase database;
    private Map<String, String> environment;
    private final List<VectorRecord> records = new ArrayList<>();

    @BeforeEach
    void setUp(TestDatabase classDatabase) throws SQLException {
        database = classDatabase.createAnother();
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("docs").start();
        Random random = new Random(12);
        for (int i = 0; i < CHUNKS; i++) {
            records.add(VectorRecord.of(new UUID(random.nextLong(), random.nextLong()).toString(),
                    TestData.randomVector(random, DIMENSION), TestData.randomMetadata(random)));
        }
        emulator.load("", records);
        environment = new HashMap<>(emulator.config());
        environment.putAll(database.config());
        environment.put("EMBEDDING_MODEL", "all-MiniLM-L6-v2");
        // What the application's Alembic migration made: its table, its embedding column and its HNSW index.
        execute("CREATE TABLE rag_chunks (id uuid PRIMARY KEY, content text NOT NULL, document_id integer NOT NULL,"
                + " metadata jsonb NOT NULL DEFAULT '{}', embedding vector(" + DIMENSION + "), embedding_model text)");
        execute("CREATE INDEX ix_rag_chunks_embedding_hnsw ON rag_chunks USING hnsw (embedding vector_cosine_ops)");
        try (Connection connection = database.connection();
             var insert = connection.prepareStatement("INSERT INTO rag_chunks (id, content, document_id, metadata)"
                     + " VALUES (?::uuid, ?, ?, ?::jsonb)")) {
            for (int i = 0; i < CHUNKS; i++) {
                insert.setString(1, records.get(i).id());
                insert.setString(2, "chunk " + i + " of the handbook");
                insert.setInt(3, i % 17);
                insert.setString(4, "{\"lang\": \"en\", \"page\": " + i + ", \"ingested_by\": \"etl-" + (i % 3) + "\"}");
                insert.addBatch();
            }
            insert.executeBatch();
        }
        // The application already embedded some rows itself, with the same vectors.
        execute("UPDATE rag_chunks SET embedding = '[1,0,0,0,0,0,0,0]', embedding_model = 'app'"
                + " WHERE document_id = 0");
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    @Test
    void upgradeMigrateStopResumeVerifyQueryDeleteDowngrade() throws SQLException {
        List<String> application = rows(APPLICATION_COLUMNS);

        CliRun status = run("schema", "status");
        assertThat(status.out()).contains("dimension:        8").contains("vector index:     ix_rag_chunks_embedding_hnsw");
        assertThat(hnswIndexes()).isEqualTo(1);
        CliRun pending = run("schema", "sql", "--pending");
        assertThat(pending.exitCode()).as(pending.out() + pending.err()).isZero();
        assertThat(pending.out()).contains("ADD COLUMN \"vectorstore_metadata\"").doesNotContain("USING hnsw")
                .doesNotContain("ADD COLUMN \"metadata\"");

        CliRun upgrade = run("schema", "upgrade");
        assertThat(upgrade.exitCode()).as(upgrade.out() + upgrade.err()).isZero();
        assertThat(hnswIndexes()).as("the application's index is adopted, not duplicated").isEqualTo(1);
        assertThat(rows(APPLICATION_COLUMNS)).isEqualTo(application);
        CliRun nothingLeft = run("schema", "sql", "--pending");
        assertThat(nothingLeft.out()).doesNotContain("ALTER TABLE").doesNotContain("CREATE INDEX");

        // The run stops half-way (a rejected key, as after a rotation), with the index dropped for the load.
        emulator.faults().limitTo(PineconeOperation.FETCH).failCall(3, Status.Code.UNAUTHENTICATED);
        CliRun stopped = run("migrate", "--defer-index", "--batch-size", "100", "--workers", "1");
        assertThat(stopped.exitCode()).as(stopped.out() + stopped.err()).isEqualTo(ExitCode.STOPPED);
        assertThat(hnswIndexes()).as("dropped for the load").isZero();
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding_model = 'all-MiniLM-L6-v2'")).isBetween(1L, 599L);
        assertThat(rows(APPLICATION_COLUMNS)).isEqualTo(application);

        emulator.faults().clear();
        CliRun resumed = run("migrate", "--defer-index", "--resume", "--batch-size", "100", "--workers", "2");
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(hnswIndexes()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_rag_chunks_embedding_hnsw'"))
                .as("rebuilt under the application's own name").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM rag_chunks WHERE embedding_model = 'all-MiniLM-L6-v2'")).isEqualTo(CHUNKS);
        assertThat(rows(APPLICATION_COLUMNS)).isEqualTo(application);

        CliRun verify = run("verify", "--sample", String.valueOf(CHUNKS));
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();

        Map<String, String> pgvector = new HashMap<>(environment);
        pgvector.put("VECTOR_BACKEND", "pgvector");
        try (VectorStore store = VectorStores.get(pgvector)) {
            VectorRecord first = records.get(0);
            assertThat(store.fetch(List.of(first.id())).get(first.id())).isEqualTo(first);
            List<Match> matches = store.query(Query.builder(first.values()).topK(5).build());
            assertThat(matches.get(0).id()).isEqualTo(first.id());
            assertThat(matches.get(0).metadata()).isEqualTo(first.metadata());

            store.delete(List.of(first.id()));
            store.deleteByFilter(Filter.eq("genre", "drama"));
            assertThat(store.fetch(List.of(first.id()))).isEmpty();
            assertThat(rows(APPLICATION_COLUMNS)).isEqualTo(application);
            assertThat(hnswIndexes()).isEqualTo(1);
        }

        CliRun downgrade = run("schema", "downgrade", "--drop-embeddings");
        assertThat(downgrade.exitCode()).as(downgrade.out() + downgrade.err()).isZero();
        assertThat(rows(APPLICATION_COLUMNS)).isEqualTo(application);
        assertThat(hnswIndexes()).as("the application's index stays").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'rag_chunks'::regclass AND attnum > 0"
                + " AND NOT attisdropped")).as("only the application's six columns remain").isEqualTo(6);
    }

    private long hnswIndexes() throws SQLException {
        return count("SELECT count(*) FROM pg_indexes WHERE tablename = 'rag_chunks' AND indexdef LIKE '%USING hnsw%'");
    }

    private CliRun run(String... args) {
        return CliRun.of(environment, args);
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

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
