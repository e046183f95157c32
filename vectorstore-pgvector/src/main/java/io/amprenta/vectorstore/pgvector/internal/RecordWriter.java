package io.amprenta.vectorstore.pgvector.internal;

import com.pgvector.PGvector;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.spi.MetadataJson;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes valid, id-unique records into the table inside the caller's transaction (it never commits). Rows are
 * written in id order, so concurrent writers lock rows in the same order and do not deadlock.
 *
 * <p>Small batches (under the COPY threshold) are one multi-row {@code INSERT ... ON CONFLICT (namespace, id) DO
 * UPDATE}. Large batches first look up which ids already have a row: new ones are streamed with binary COPY
 * straight into the table (inside a savepoint: if a concurrent writer inserted one of them meanwhile, the COPY is
 * undone and those rows take the next path), existing ones are copied into a temporary staging table and merged
 * with one {@code INSERT ... SELECT ... ON CONFLICT DO UPDATE}.
 *
 * <p>An application's table can have NOT NULL columns without defaults (say {@code content}) that the library
 * cannot fill. PostgreSQL checks NOT NULL before it looks for a conflict, so {@code INSERT ... ON CONFLICT} fails
 * there even for rows that exist. For such tables the writer updates existing rows only, and refuses a batch with
 * ids that have no row yet before writing anything, naming the ids and the column.
 *
 * <p>Only the library's columns are written; application columns of existing rows are never touched.
 */
public final class RecordWriter {

    private static final int MAX_ROWS_PER_STATEMENT = 1_000;
    private static final int MAX_IDS_SHOWN = 5;
    private static final String STAGING = "pg_temp.vectorstore_staging";
    // now() in microseconds since 2000-01-01, the binary timestamptz of COPY.
    private static final String NOW_MICROS = "(EXTRACT(EPOCH FROM now()) * 1000000)::int8 - 946684800000000";

    private final TableLayout layout;
    private final String embeddingModel;
    private final int copyThreshold;
    private final TableNames names;
    private final String copyColumns;
    private final String updateAssignments;

    /** A writer for the table {@code layout}; {@code embeddingModel} (may be null) goes into every written row. */
    public RecordWriter(TableLayout layout, String embeddingModel, int copyThreshold) {
        this.layout = layout;
        this.embeddingModel = embeddingModel;
        this.copyThreshold = copyThreshold;
        this.names = layout.names();
        this.copyColumns = copyColumns(names);
        this.updateAssignments = List.of(TableNames.EMBEDDING, TableNames.EMBEDDING_MODEL, TableNames.METADATA,
                        TableNames.EMBEDDING_UPDATED_AT).stream()
                .map(column -> TableNames.column(column) + " = EXCLUDED." + TableNames.column(column))
                .collect(Collectors.joining(", "));
    }

    /** The table's columns for the six fields {@link BinaryCopy} writes, quoted and comma-separated. */
    public static String copyColumns(TableNames names) {
        return String.join(", ", TableNames.column(TableNames.NAMESPACE), names.id(), TableNames.column(TableNames.EMBEDDING),
                TableNames.column(TableNames.EMBEDDING_MODEL), TableNames.column(TableNames.METADATA),
                TableNames.column(TableNames.EMBEDDING_UPDATED_AT));
    }

    /**
     * Writes {@code records} (valid, distinct ids) in {@code namespace} in the connection's current transaction,
     * which must not be in auto-commit mode.
     *
     * @throws ConfigurationException ({@link ErrorCode#SCHEMA_CONFLICT}) when rows would have to be inserted into a
     *     table that cannot take new rows; nothing is written then
     */
    public void write(Connection connection, String namespace, List<VectorRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        List<VectorRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing(VectorRecord::id));
        if (!layout.canInsertRows()) {
            updateExisting(connection, namespace, sorted);
        } else if (sorted.size() < copyThreshold) {
            insertOrUpdate(connection, namespace, sorted);
        } else {
            bulkUpsert(connection, namespace, sorted);
        }
    }

    private void bulkUpsert(Connection connection, String namespace, List<VectorRecord> sorted) throws SQLException {
        Lookup lookup = lookup(connection, namespace, sorted);
        List<VectorRecord> fresh = new ArrayList<>();
        List<VectorRecord> existing = new ArrayList<>();
        sorted.forEach(record -> (lookup.existing.contains(record.id()) ? existing : fresh).add(record));
        if (!fresh.isEmpty() && !copyStraightIn(connection, namespace, fresh, lookup.nowMicros)) {
            existing.addAll(fresh);
            existing.sort(Comparator.comparing(VectorRecord::id));
        }
        if (existing.size() >= copyThreshold) {
            stage(connection, namespace, existing, lookup.nowMicros);
            try (PreparedStatement merge = connection.prepareStatement("INSERT INTO " + names.qualified() + " AS t ("
                    + copyColumns + ") SELECT " + copyColumns + " FROM " + STAGING + " ORDER BY " + names.id()
                    + " ON CONFLICT (" + TableNames.column(TableNames.NAMESPACE) + ", " + names.id() + ") DO UPDATE SET "
                    + updateAssignments)) {
                merge.executeUpdate();
            }
            Jdbc.execute(connection, "DROP TABLE " + STAGING);
        } else if (!existing.isEmpty()) {
            insertOrUpdate(connection, namespace, existing);
        }
    }

    // Returns false, with nothing written, when a concurrent writer inserted one of the ids after the lookup.
    private boolean copyStraightIn(Connection connection, String namespace, List<VectorRecord> fresh, long nowMicros)
            throws SQLException {
        if (layout.vector().type() != VectorColumn.Type.VECTOR) {
            return false; // COPY encodes single-precision vectors; halfvec columns go through the staging table.
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            BinaryCopy.copy(connection, names.qualified(), copyColumns, namespace, fresh, embeddingModel, nowMicros);
            connection.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!"23505".equals(SqlErrors.sqlState(e))) {
                throw e;
            }
            connection.rollback(savepoint);
            return false;
        }
    }

    private void stage(Connection connection, String namespace, List<VectorRecord> records, long nowMicros)
            throws SQLException {
        Jdbc.execute(connection, "DROP TABLE IF EXISTS " + STAGING);
        Jdbc.execute(connection, "CREATE TEMPORARY TABLE vectorstore_staging (namespace text, id text, embedding vector("
                + layout.vector().dimension() + "), embedding_model text, metadata jsonb, embedding_updated_at timestamptz)"
                + " ON COMMIT DROP");
        BinaryCopy.copy(connection, STAGING, "namespace, id, embedding, embedding_model, metadata, embedding_updated_at",
                namespace, records, embeddingModel, nowMicros);
    }

    private void insertOrUpdate(Connection connection, String namespace, List<VectorRecord> sorted) throws SQLException {
        for (List<VectorRecord> chunk : chunks(sorted)) {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(names.qualified()).append(" AS t (")
                    .append(copyColumns).append(") VALUES ");
            appendRows(sql, chunk.size(), "(?, ?, ?::vector, ?, ?::jsonb, now())");
            sql.append(" ON CONFLICT (").append(TableNames.column(TableNames.NAMESPACE)).append(", ").append(names.id())
                    .append(") DO UPDATE SET ").append(updateAssignments);
            try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
                bindRows(insert, namespace, chunk);
                insert.executeUpdate();
            }
        }
    }

    private void updateExisting(Connection connection, String namespace, List<VectorRecord> sorted) throws SQLException {
        Lookup lookup = lookup(connection, namespace, sorted);
        List<String> missing = sorted.stream().map(VectorRecord::id).filter(id -> !lookup.existing.contains(id)).toList();
        if (!missing.isEmpty()) {
            throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, missing.size() + " record(s) have no row in "
                    + names.display() + " (namespace '" + namespace + "'), e.g. " + missing.stream().limit(MAX_IDS_SHOWN)
                    .map(Limits::quoteId).collect(Collectors.joining(", ")) + ", and the store cannot insert rows there:"
                    + " the application's column(s) " + String.join(", ", layout.requiredApplicationColumns())
                    + " are NOT NULL without a default. Nothing was written. Insert the rows with the application first"
                    + " (the store then adds their embeddings), or give those columns defaults.");
        }
        int updated = 0;
        for (List<VectorRecord> chunk : chunks(sorted)) {
            StringBuilder sql = new StringBuilder("UPDATE ").append(names.qualified()).append(" AS t SET ");
            sql.append(TableNames.column(TableNames.EMBEDDING)).append(" = v.embedding, ")
                    .append(TableNames.column(TableNames.EMBEDDING_MODEL)).append(" = v.embedding_model, ")
                    .append(TableNames.column(TableNames.METADATA)).append(" = v.metadata, ")
                    .append(TableNames.column(TableNames.EMBEDDING_UPDATED_AT)).append(" = now() FROM (VALUES ");
            appendRows(sql, chunk.size(), "(?, ?, ?::vector, ?, ?::jsonb)");
            sql.append(") AS v(namespace, id, embedding, embedding_model, metadata) WHERE t.")
                    .append(TableNames.column(TableNames.NAMESPACE)).append(" = v.namespace AND t.").append(names.id())
                    .append(" = v.id");
            try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
                bindRows(update, namespace, chunk);
                updated += update.executeUpdate();
            }
        }
        if (updated != sorted.size()) {
            throw new RetryableException(ErrorCode.UNAVAILABLE, "Rows of " + names.display() + " were deleted while"
                    + " their embeddings were being written (" + updated + " of " + sorted.size() + " updated); nothing"
                    + " was written. Retry: records whose rows are gone will then be reported.", null, null);
        }
    }

    private void bindRows(PreparedStatement statement, String namespace, List<VectorRecord> chunk) throws SQLException {
        int index = 1;
        for (VectorRecord record : chunk) {
            statement.setString(index++, namespace);
            statement.setString(index++, record.id());
            statement.setObject(index++, new PGvector(record.values()));
            statement.setString(index++, embeddingModel);
            statement.setString(index++, MetadataJson.write(record.metadata()));
        }
    }

    private Lookup lookup(Connection connection, String namespace, List<VectorRecord> records) throws SQLException {
        String[] ids = records.stream().map(VectorRecord::id).toArray(String[]::new);
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + NOW_MICROS + ", ARRAY(SELECT "
                + names.id() + "::text FROM " + names.qualified() + " WHERE " + TableNames.column(TableNames.NAMESPACE)
                + " = ? AND " + names.id() + " = ANY (?::text[]))")) {
            Array array = connection.createArrayOf("text", ids);
            statement.setString(1, namespace);
            statement.setArray(2, array);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                Array found = rows.getArray(2);
                Set<String> existing = new HashSet<>(Arrays.asList((String[]) found.getArray()));
                found.free();
                return new Lookup(rows.getLong(1), existing);
            } finally {
                array.free();
            }
        }
    }

    private static void appendRows(StringBuilder sql, int rows, String row) {
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(row);
        }
    }

    private static List<List<VectorRecord>> chunks(List<VectorRecord> records) {
        List<List<VectorRecord>> chunks = new ArrayList<>();
        for (int start = 0; start < records.size(); start += MAX_ROWS_PER_STATEMENT) {
            chunks.add(records.subList(start, Math.min(records.size(), start + MAX_ROWS_PER_STATEMENT)));
        }
        return chunks;
    }

    private record Lookup(long nowMicros, Set<String> existing) {
    }
}
