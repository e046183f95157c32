package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.internal.MetadataJson;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A plain table as a migration target, for testing the engine apart from pgvector: it counts how often
 * each row is written, so that "nothing is written twice" can be checked.
 */
class TableTarget implements TransactionalTarget, IndexedTarget, RowsWithoutEmbedding {

    private static final String UPSERT = "INSERT INTO copied (namespace, id, embedding, model, metadata, writes)"
            + " VALUES (?, ?, ?, ?, ?::jsonb, 1) ON CONFLICT (namespace, id) DO UPDATE SET embedding = excluded.embedding,"
            + " model = excluded.model, metadata = excluded.metadata, writes = copied.writes + 1 RETURNING id";
    private static final String UPDATE = "UPDATE copied SET embedding = ?, model = ?, metadata = ?::jsonb, writes = writes + 1"
            + " WHERE namespace = ? AND id = ? RETURNING id";

    private final DataSource dataSource;
    private final int dimension;
    private PgWriteOptions options = PgWriteOptions.upsert(null);
    int indexDrops;
    int indexBuilds;
    int analyzes;

    TableTarget(DataSource dataSource, int dimension) throws SQLException {
        this.dataSource = dataSource;
        this.dimension = dimension;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS copied (namespace text NOT NULL, id text NOT NULL, embedding real[],"
                    + " model text, metadata jsonb, writes integer NOT NULL DEFAULT 0, PRIMARY KEY (namespace, id))");
        }
    }

    /** This target writing with {@code options} from now on (as PgVectorTarget.withWriteOptions configures it). */
    TableTarget writingWith(PgWriteOptions options) {
        this.options = options;
        return this;
    }

    // The sources of these tests hold no sparse values; saying yes keeps the engine's up-front sample of the source
    // (checked against pgvector tables in SparseValuesMigrationIT) out of their read counts.
    @Override
    public boolean keepsSparseValues() {
        return true;
    }

    @Override
    public String describe() {
        return "test table copied";
    }

    @Override
    public DataSource database() {
        return dataSource;
    }

    @Override
    public OptionalInt dimension() {
        return OptionalInt.of(dimension);
    }

    @Override
    public Set<String> write(String namespace, List<VectorRecord> records) {
        try (Connection connection = dataSource.getConnection()) {
            return write(connection, namespace, records);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Set<String> write(Connection connection, String namespace, List<VectorRecord> records) throws SQLException {
        // The contract of MigrationTarget.write: reject a batch with an invalid record, as PgVectorTable does.
        records.forEach(record -> Limits.checkRecord(record, dimension()));
        Set<String> missing = new HashSet<>();
        for (VectorRecord record : records) {
            try (PreparedStatement statement = connection.prepareStatement(options.insertMissingRows() ? UPSERT : UPDATE)) {
                Float[] boxed = new Float[record.dimension()];
                for (int i = 0; i < boxed.length; i++) {
                    boxed[i] = record.value(i);
                }
                Array embedding = connection.createArrayOf("real", boxed);
                String metadata = MetadataJson.write(record.metadata());
                if (options.insertMissingRows()) {
                    statement.setString(1, namespace);
                    statement.setString(2, record.id());
                    statement.setArray(3, embedding);
                    statement.setString(4, options.embeddingModel());
                    statement.setString(5, metadata);
                } else {
                    statement.setArray(1, embedding);
                    statement.setString(2, options.embeddingModel());
                    statement.setString(3, metadata);
                    statement.setString(4, namespace);
                    statement.setString(5, record.id());
                }
                try (ResultSet result = statement.executeQuery()) {
                    if (!result.next()) {
                        missing.add(record.id());
                    }
                }
            }
        }
        return missing;
    }

    @Override
    public long countWithoutEmbedding(String namespace) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM copied WHERE namespace = ?"
                     + " AND embedding IS NULL")) {
            statement.setString(1, namespace);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> idsWithoutEmbedding(String namespace, String afterId, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT id FROM copied WHERE namespace = ? AND embedding IS NULL"
                     + " AND id > ? ORDER BY id COLLATE \"C\" LIMIT ?")) {
            statement.setString(1, namespace);
            statement.setString(2, afterId == null ? "" : afterId);
            statement.setInt(3, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> preflight() {
        return List.of("test table copied exists");
    }

    @Override
    public void dropVectorIndex() {
        indexDrops++;
    }

    // A plain table has no vector index: the engine has nothing to decide about it.
    @Override
    public IndexState indexState() {
        return new IndexState(Optional.empty(), List.of(), 0, dimension, 64);
    }

    @Override
    public long indexScans(String index) {
        return 0;
    }

    @Override
    public void buildVectorIndex() {
        indexBuilds++;
    }

    @Override
    public void analyze() {
        analyzes++;
    }

    /** Every row: namespace/id -> [embedding as float[], metadata map, writes]. */
    Map<String, Row> rows() throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT namespace, id, embedding, metadata::text, writes, model FROM copied"
                     + " ORDER BY namespace, id")) {
            while (result.next()) {
                Array array = result.getArray(3);
                float[] values = null;
                if (array != null) {
                    Float[] boxed = (Float[]) array.getArray();
                    values = new float[boxed.length];
                    for (int i = 0; i < boxed.length; i++) {
                        values[i] = boxed[i];
                    }
                }
                rows.put(result.getString(1) + "/" + result.getString(2), new Row(values,
                        result.getString(4) == null ? Map.of() : MetadataJson.read(result.getString(4)), result.getInt(5),
                        result.getString(6)));
            }
        }
        return rows;
    }

    record Row(float[] values, Map<String, Object> metadata, int writes, String model) {
    }
}
