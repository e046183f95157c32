package io.amprenta.vectorstore.pgvector;

import com.pgvector.PGvector;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.internal.MetadataJson;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import io.amprenta.vectorstore.spi.Limits;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes valid, id-unique records into the table inside the caller's transaction (it never commits). Rows are
 * written in id order, so concurrent writers lock rows in the same order and do not deadlock.
 *
 * <p>Small batches (under the COPY threshold) are one multi-row {@code INSERT ... ON CONFLICT (namespace, id) DO
 * UPDATE}. Larger batches cost the round trips of the same batch written by hand with COPY (ARCHITECTURE.md,
 * "Batched writes"): one statement sets a savepoint and looks up whether the first, middle or last id already has a
 * row. If none has, the batch is streamed with binary COPY straight into the table; should an id have a row after
 * all, the COPY is undone to the savepoint. Otherwise a batch of fewer than 500 records is the multi-row INSERT, and
 * a larger one is copied into the session's staging table ({@code ON COMMIT DELETE ROWS}, created if missing) and
 * merged with one {@code INSERT ... SELECT ...
 * ON CONFLICT DO UPDATE} that empties the staging table as it reads it. Every path writes the sparse values'
 * columns in the same statement or COPY as the rest of the row, so a record without sparse values clears what an
 * earlier version of it had, as a Pinecone upsert replaces the whole record.
 *
 * <p>An application's table can have NOT NULL columns without defaults (say {@code content}) that the library
 * cannot fill. PostgreSQL checks NOT NULL before it looks for a conflict, so {@code INSERT ... ON CONFLICT} fails
 * there even for rows that exist. For such tables, and whenever the options say not to insert rows, the writer
 * updates existing rows only ({@code UPDATE ... FROM} a VALUES list, or the staging table for large batches). Ids
 * without a row are then skipped and returned, or, when rows were to be inserted, refused before anything is
 * written, naming the ids and the column.
 *
 * <p>Only the library's columns are written; application columns of existing rows are never touched.
 */
final class RecordWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);

    private static final int MAX_ROWS_PER_STATEMENT = 1_000;
    private static final int MAX_IDS_SHOWN = 5;
    private static final String STAGING_NAME = "vectorstore_write_staging";
    private static final String STAGING = "pg_temp." + STAGING_NAME;
    // One shape for every table the session writes: an unconstrained vector (the target's column checks the
    // dimension and casts to halfvec), ids as text (cast to the id column's type by the merge).
    private static final String CREATE_STAGING = "CREATE TEMPORARY TABLE IF NOT EXISTS " + STAGING_NAME
            + " (namespace text, id text, embedding vector, embedding_model text, metadata jsonb,"
            + " embedding_updated_at timestamptz, sparse_indices int8[], sparse_values float4[]) ON COMMIT DELETE ROWS";
    private static final String COPY_SAVEPOINT = "vectorstore_copy";
    private static final String STAGING_COLUMNS = "namespace, id, embedding, embedding_model, metadata, embedding_updated_at";
    private static final String STAGING_SPARSE_COLUMNS = ", sparse_indices, sparse_values";
    // The library's columns under their names in the staging table and the VALUES list (the table's are quoted).
    private static final Map<String, String> STAGED = Map.of(TableNames.EMBEDDING, "embedding",
            TableNames.EMBEDDING_UPDATED_AT, "embedding_updated_at", TableNames.EMBEDDING_MODEL, "embedding_model",
            TableNames.SPARSE_INDICES, "sparse_indices", TableNames.SPARSE_VALUES, "sparse_values");
    // now() in microseconds since 2000-01-01, the binary timestamptz of COPY.
    // Batches with existing rows merge through the staging table from this size on, and with the multi-row INSERT
    // below it, which measured faster for overwrites of 100 rows (ARCHITECTURE.md, "Batched writes").
    private static final int STAGED_MERGE_MIN_ROWS = 500;
    private static final String NOW_MICROS = "(EXTRACT(EPOCH FROM now()) * 1000000)::int8 - 946684800000000";

    private final TableLayout layout;
    private final int copyThreshold;
    private final TableNames names;
    private final String copyColumns;
    private final String stagingColumns;
    private final String key;
    private final PartitionLayout partitions;

    /** A writer for the table {@code layout}. */
    public RecordWriter(TableLayout layout, int copyThreshold) {
        this.layout = layout;
        this.copyThreshold = copyThreshold;
        this.names = layout.names();
        String columns = String.join(", ", TableNames.column(TableNames.NAMESPACE), names.id(),
                TableNames.column(TableNames.EMBEDDING), TableNames.column(TableNames.EMBEDDING_MODEL),
                names.metadata(), TableNames.column(TableNames.EMBEDDING_UPDATED_AT));
        this.copyColumns = layout.sparseValues() ? columns + ", " + TableNames.column(TableNames.SPARSE_INDICES) + ", "
                + TableNames.column(TableNames.SPARSE_VALUES) : columns;
        this.stagingColumns = layout.sparseValues() ? STAGING_COLUMNS + STAGING_SPARSE_COLUMNS : STAGING_COLUMNS;
        this.key = TableNames.column(TableNames.NAMESPACE) + ", " + names.id();
        this.partitions = new PartitionLayout(names);
    }

    /** The table's partitions by namespace, if it has them (ARCHITECTURE.md, "Namespaces as partitions"). */
    PartitionLayout partitions() {
        return partitions;
    }

    /**
     * Writes {@code records} (valid, distinct ids) in {@code namespace} in the connection's current transaction,
     * which must not be in auto-commit mode.
     *
     * @return the ids skipped because they have no row and {@code options} say not to insert rows; else empty
     * @throws ConfigurationException ({@link ErrorCode#SCHEMA_CONFLICT}) when rows would have to be inserted into a
     *     table that cannot take new rows; nothing is written then
     */
    public Set<String> write(Connection connection, String namespace, List<VectorRecord> records, PgWriteOptions options)
            throws SQLException {
        if (records.isEmpty()) {
            return Set.of();
        }
        layout.idType().check(records.stream().map(VectorRecord::id).toList(), names.display() + "." + names.idColumn());
        records.forEach(record -> layout.vector().checkIndexable(record.id(), record.values()));
        List<VectorRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing(VectorRecord::id));
        if (layout.shards().isPresent()) {
            // Through postgres_fdw's foreign partitions, which take no ON CONFLICT DO UPDATE (ARCHITECTURE.md, "Shards").
            return ShardedWrites.write(connection, layout, namespace, sorted, options);
        }
        if (options.insertMissingRows() && layout.canInsertRows()) {
            partitions.ensure(connection, namespace);
        }
        if (!options.insertMissingRows() || !layout.canInsertRows()) {
            return updateExisting(connection, namespace, sorted, options);
        }
        if (sorted.size() < copyThreshold) {
            insertOrUpdate(connection, namespace, sorted, options);
        } else {
            bulkUpsert(connection, namespace, sorted, options);
        }
        return Set.of();
    }

    /** {@code sparse}'s indices as a {@code bigint[]} literal; null for none. */
    private static String indicesLiteral(SparseValues sparse) {
        if (sparse == null) {
            return null;
        }
        StringJoiner literal = new StringJoiner(",", "{", "}");
        for (int i = 0; i < sparse.size(); i++) {
            literal.add(Long.toString(sparse.index(i)));
        }
        return literal.toString();
    }

    /**
     * {@code sparse}'s values as a {@code real[]} literal that reads back as the same floats (Float.toString
     * round-trips every float exactly through real's input, ARCHITECTURE.md "Sparse values"); null for none.
     */
    private static String valuesLiteral(SparseValues sparse) {
        if (sparse == null) {
            return null;
        }
        StringJoiner literal = new StringJoiner(",", "{", "}");
        for (int i = 0; i < sparse.size(); i++) {
            literal.add(Float.toString(sparse.value(i)));
        }
        return literal.toString();
    }

    // New rows go straight into the table by COPY unless a few sampled ids already have a row (an overwrite batch);
    // a conflict the sample missed rolls the COPY back to the savepoint. Everything else is merged: by the multi-row
    // INSERT under STAGED_MERGE_MIN_ROWS, else from the staging table, whose INSERT ... ON CONFLICT takes new and
    // existing ids alike (ARCHITECTURE.md, "Batched writes").
    private void bulkUpsert(Connection connection, String namespace, List<VectorRecord> sorted, PgWriteOptions options)
            throws SQLException {
        Optional<Probe> probe = canCopyStraightIn() ? Optional.of(probe(connection, namespace, sorted)) : Optional.empty();
        if (probe.isPresent() && !probe.get().anyRow()
                && copyStraightIn(connection, namespace, sorted, options, probe.get().nowMicros())) {
            return;
        }
        if (sorted.size() < STAGED_MERGE_MIN_ROWS) {
            insertOrUpdate(connection, namespace, sorted, options);
            return;
        }
        long nowMicros;
        if (probe.isPresent()) {
            // The probe left the staging table alone (see probe): make sure it exists now.
            execute(connection, CREATE_STAGING);
            nowMicros = probe.get().nowMicros();
        } else {
            nowMicros = lookup(connection, namespace, List.of()).nowMicros;
        }
        stage(connection, namespace, sorted, options, nowMicros);
        try (PreparedStatement merge = connection.prepareStatement("WITH v AS (DELETE FROM " + STAGING + " RETURNING *)"
                + " INSERT INTO " + names.qualified() + " AS t (" + copyColumns + ") SELECT "
                + stagingColumns.replaceFirst("id", layout.idType().fromText("id")) + " FROM v ORDER BY id ON CONFLICT ("
                + key + ") DO UPDATE SET " + assignments(options, "EXCLUDED.") + onlyOlderRows(options, " WHERE "))) {
            bindOnlyOlderRows(merge, 1, options);
            merge.executeUpdate();
        }
    }

    // COPY encodes single-precision vectors and text ids; halfvec columns and uuid or integer ids go through the
    // staging table.
    private boolean canCopyStraightIn() {
        return layout.vector().type() == VectorColumn.Type.VECTOR && layout.idType() == IdType.TEXT;
    }

    // Returns false, with nothing written, when one of the ids has a row (the lookup set the savepoint this rolls
    // back to).
    private boolean copyStraightIn(Connection connection, String namespace, List<VectorRecord> fresh,
                                   PgWriteOptions options, long nowMicros) throws SQLException {
        try {
            BinaryCopy.copy(connection, names.qualified(), copyColumns, namespace, fresh, options.embeddingModel(),
                    options.writeMetadata(), nowMicros, layout.sparseValues());
            // The savepoint is not released: it ends with the transaction, and releasing it would cost a round trip.
            return true;
        } catch (SQLException e) {
            if (!"23505".equals(SqlErrors.sqlState(e))) {
                throw e;
            }
            execute(connection, "ROLLBACK TO SAVEPOINT " + COPY_SAVEPOINT);
            LOG.debug("One of {} ids written to {} by COPY already had a row; merging them instead", fresh.size(),
                    names.display());
            return false;
        }
    }

    // Copies the records into the staging table the lookup made sure exists; the statement reading them deletes them.
    private void stage(Connection connection, String namespace, List<VectorRecord> records, PgWriteOptions options,
                       long nowMicros) throws SQLException {
        BinaryCopy.copy(connection, STAGING, stagingColumns, namespace, records, options.embeddingModel(),
                options.writeMetadata(), nowMicros, layout.sparseValues());
    }

    private void insertOrUpdate(Connection connection, String namespace, List<VectorRecord> sorted,
                                PgWriteOptions options) throws SQLException {
        for (List<VectorRecord> chunk : chunks(sorted)) {
            String sql = "INSERT INTO " + names.qualified() + " AS t (" + copyColumns + ") VALUES "
                    + rows(chunk.size(), valuesRow())
                    + " ON CONFLICT (" + key + ") DO UPDATE SET " + assignments(options, "EXCLUDED.")
                    + onlyOlderRows(options, " WHERE ");
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                bindOnlyOlderRows(insert, bindRows(insert, namespace, chunk, options), options);
                insert.executeUpdate();
            }
        }
    }

    private Set<String> updateExisting(Connection connection, String namespace, List<VectorRecord> sorted,
                                       PgWriteOptions options) throws SQLException {
        Lookup lookup = lookup(connection, namespace, sorted);
        Set<String> missing = sorted.stream().map(VectorRecord::id).filter(id -> !lookup.existing.contains(id))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!missing.isEmpty() && options.insertMissingRows()) {
            throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, missing.size() + " record(s) have no row in "
                    + names.display() + " (namespace '" + namespace + "'), e.g. " + missing.stream().limit(MAX_IDS_SHOWN)
                    .map(Limits::quoteId).collect(Collectors.joining(", ")) + ", and the store cannot insert rows there:"
                    + " the application's column(s) " + String.join(", ", layout.requiredApplicationColumns())
                    + " are NOT NULL without a default. Nothing was written. Insert the rows with the application first"
                    + " (the store then adds their embeddings), or give those columns defaults.");
        }
        List<VectorRecord> present = sorted.stream().filter(record -> !missing.contains(record.id())).toList();
        int updated = present.size() >= copyThreshold
                ? updateFromStaging(connection, namespace, present, options, lookup.nowMicros)
                : updateFromValues(connection, namespace, present, options);
        if (updated != present.size() && options.replaceOnlyRowsWrittenBefore() != null) {
            // Rows left alone because they are newer still exist; only a missing row means a concurrent delete.
            updated = existingRows(connection, namespace, present);
        }
        if (updated != present.size()) {
            throw new RetryableException(ErrorCode.UNAVAILABLE, "Rows of " + names.display() + " were deleted while"
                    + " their embeddings were being written (" + updated + " of " + present.size() + " updated); nothing"
                    + " was written. Retry: records whose rows are gone will then be reported.", null, null);
        }
        return missing;
    }

    private int updateFromValues(Connection connection, String namespace, List<VectorRecord> present,
                                 PgWriteOptions options) throws SQLException {
        int updated = 0;
        for (List<VectorRecord> chunk : chunks(present)) {
            String sql = "UPDATE " + names.qualified() + " AS t SET " + assignments(options, "v.") + " FROM (VALUES "
                    + rows(chunk.size(), valuesRow()) + ") AS v(" + stagingColumns + ")"
                    + matchingRows() + onlyOlderRows(options, " AND ");
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                bindOnlyOlderRows(update, bindRows(update, namespace, chunk, options), options);
                updated += update.executeUpdate();
            }
        }
        return updated;
    }

    private int updateFromStaging(Connection connection, String namespace, List<VectorRecord> present,
                                  PgWriteOptions options, long nowMicros) throws SQLException {
        if (present.isEmpty()) {
            return 0;
        }
        stage(connection, namespace, present, options, nowMicros);
        try (PreparedStatement update = connection.prepareStatement("WITH v AS (DELETE FROM " + STAGING + " RETURNING *)"
                + " UPDATE " + names.qualified() + " AS t SET " + assignments(options, "v.") + " FROM v" + matchingRows()
                + onlyOlderRows(options, " AND "))) {
            bindOnlyOlderRows(update, 1, options);
            return update.executeUpdate();
        }
    }
    // With PgWriteOptions.replaceOnlyRowsWrittenBefore, an existing row is replaced only when it was last written
    // before that instant: the migrator's guard against overwriting a newer dual write with an older copy
    // (ARCHITECTURE.md, "The backfill race"). The condition's one parameter is bound by bindOnlyOlderRows.
    private static String onlyOlderRows(PgWriteOptions options, String connective) {
        if (options.replaceOnlyRowsWrittenBefore() == null) {
            return "";
        }
        String column = "t." + TableNames.column(TableNames.EMBEDDING_UPDATED_AT);
        return connective + "(" + column + " IS NULL OR " + column + " < ?)";
    }

    private static void bindOnlyOlderRows(PreparedStatement statement, int index, PgWriteOptions options) throws SQLException {
        if (options.replaceOnlyRowsWrittenBefore() != null) {
            statement.setObject(index, OffsetDateTime.ofInstant(options.replaceOnlyRowsWrittenBefore(), ZoneOffset.UTC));
        }
    }

    // How many of `records` have a row now.
    private int existingRows(Connection connection, String namespace, List<VectorRecord> records) throws SQLException {
        Array array = connection.createArrayOf("text", records.stream().map(VectorRecord::id).toArray(String[]::new));
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + names.qualified() + " WHERE "
                + TableNames.column(TableNames.NAMESPACE) + " = ? AND " + names.id() + " = ANY (" + layout.idType().arrayParameter()
                + ")")) {
            count.setString(1, namespace);
            count.setArray(2, array);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } finally {
            array.free();
        }
    }

    private String matchingRows() {
        return " WHERE t." + TableNames.column(TableNames.NAMESPACE) + " = v.namespace AND t." + names.id() + " = "
                + layout.idType().fromText("v.id");
    }

    // One row of a VALUES list: the id cast to the id column's type; the sparse values as array literals.
    private String valuesRow() {
        return "(?, " + layout.idType().parameter() + ", ?::vector, ?, ?::jsonb, now()"
                + (layout.sparseValues() ? ", ?::int8[], ?::float4[])" : ")");
    }

    // What an update sets, from the row source `from` ("EXCLUDED." or "v."); a null model and, when asked, the
    // metadata are left as they are. The sparse values are always replaced: a record without them clears the old ones.
    private String assignments(PgWriteOptions options, String from) {
        List<String> columns = new ArrayList<>(List.of(TableNames.EMBEDDING, TableNames.EMBEDDING_UPDATED_AT));
        if (options.embeddingModel() != null) {
            columns.add(TableNames.EMBEDDING_MODEL);
        }
        if (layout.sparseValues()) {
            columns.addAll(TableNames.SPARSE_COLUMNS);
        }
        List<String> assignments = columns.stream().map(column -> TableNames.column(column) + " = " + from
                        + (from.equals("EXCLUDED.") ? TableNames.column(column) : STAGED.get(column)))
                .collect(Collectors.toCollection(ArrayList::new));
        if (options.writeMetadata()) {
            assignments.add(names.metadata() + " = " + from + (from.equals("EXCLUDED.") ? names.metadata() : "metadata"));
        }
        return String.join(", ", assignments);
    }

    // Returns the index of the next parameter.
    private int bindRows(PreparedStatement statement, String namespace, List<VectorRecord> chunk, PgWriteOptions options)
            throws SQLException {
        int index = 1;
        for (VectorRecord record : chunk) {
            statement.setString(index++, namespace);
            statement.setString(index++, record.id());
            statement.setObject(index++, new PGvector(record.values()));
            statement.setString(index++, options.embeddingModel());
            statement.setString(index++, options.writeMetadata() ? MetadataJson.write(record.metadata()) : "{}");
            if (layout.sparseValues()) {
                SparseValues sparse = record.optionalSparseValues().orElse(null);
                statement.setString(index++, indicesLiteral(sparse));
                statement.setString(index++, valuesLiteral(sparse));
            }
        }
        return index;
    }

    // Whether the batch's first, middle or last id has a row, and the transaction's now() for the rows'
    // embedding_updated_at, after setting the savepoint a COPY straight into the table rolls back to: one round trip.
    // Three scalar conditions, not an array, so that PostgreSQL keeps one generic plan (three primary-key probes)
    // instead of planning the statement for every batch. It leaves the staging table alone: a transaction that
    // touches a temporary table has PostgreSQL empty its ON COMMIT DELETE ROWS tables at commit, which made the
    // commit of a batch COPYed straight in 0.6 ms slower than a hand-written one's (ARCHITECTURE.md, "Batched writes").
    private Probe probe(Connection connection, String namespace, List<VectorRecord> sorted) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SAVEPOINT " + COPY_SAVEPOINT + "; SELECT "
                + NOW_MICROS + ", EXISTS (SELECT 1 FROM " + names.qualified() + " WHERE "
                + TableNames.column(TableNames.NAMESPACE) + " = ? AND " + names.id() + " IN (?, ?, ?))")) {
            statement.setString(1, namespace);
            statement.setString(2, sorted.get(0).id());
            statement.setString(3, sorted.get(sorted.size() / 2).id());
            statement.setString(4, sorted.get(sorted.size() - 1).id());
            try (ResultSet rows = selectAfterSettings(statement)) {
                return new Probe(rows.getLong(1), rows.getBoolean(2));
            }
        }
    }

    // Runs a statement of commands (SAVEPOINT, CREATE ...) followed by one SELECT of one row, and returns that row.
    private ResultSet selectAfterSettings(PreparedStatement statement) throws SQLException {
        boolean resultSet = statement.execute();
        while (!resultSet) {
            if (statement.getUpdateCount() == -1) {
                throw new SQLException("The look-up of existing rows in " + names.display() + " returned no rows");
            }
            resultSet = statement.getMoreResults();
        }
        ResultSet rows = statement.getResultSet();
        rows.next();
        return rows;
    }

    // Which of the records' ids have a row in the namespace, and the transaction's now() for the rows'
    // embedding_updated_at; the same round trip makes sure the session's staging table exists.
    private Lookup lookup(Connection connection, String namespace, List<VectorRecord> records)
            throws SQLException {
        String[] ids = records.stream().map(VectorRecord::id).toArray(String[]::new);
        Array array = connection.createArrayOf("text", ids);
        try (PreparedStatement statement = connection.prepareStatement(CREATE_STAGING + "; SELECT " + NOW_MICROS + ", ARRAY (SELECT "
                + names.id() + "::text FROM " + names.qualified() + " WHERE " + TableNames.column(TableNames.NAMESPACE)
                + " = ? AND " + names.id() + " = ANY (" + layout.idType().arrayParameter() + "))")) {
            statement.setString(1, namespace);
            statement.setArray(2, array);
            try (ResultSet rows = selectAfterSettings(statement)) {
                long nowMicros = rows.getLong(1);
                Array found = rows.getArray(2);
                Set<String> existing = new HashSet<>(Arrays.asList((String[]) found.getArray()));
                found.free();
                return new Lookup(nowMicros, existing);
            }
        } finally {
            array.free();
        }
    }

    /**
     * Pinecone's {@code update} with values: replaces the embedding of one existing record (and stamps the model
     * and time as an upsert does), leaving its metadata and the application's columns as they are.
     *
     * @return whether the record was there
     */
    public boolean updateValues(Connection connection, String namespace, String id, float[] values, String embeddingModel)
            throws SQLException {
        if (!layout.idType().accepts(id)) {
            return false;
        }
        layout.vector().checkIndexable(id, values);
        String model = embeddingModel == null ? "" : ", " + TableNames.column(TableNames.EMBEDDING_MODEL) + " = ?";
        List<Object> parameters = new ArrayList<>(List.of(new PGvector(values)));
        if (embeddingModel != null) {
            parameters.add(embeddingModel);
        }
        parameters.add(namespace);
        parameters.add(new String[] {id});
        return Jdbc.update(connection, new Jdbc.Statement("UPDATE " + names.qualified() + " SET "
                + TableNames.column(TableNames.EMBEDDING) + " = ?::vector, " + TableNames.column(TableNames.EMBEDDING_UPDATED_AT)
                + " = now()" + model + existingRecord(), parameters)) > 0;
    }

    /**
     * Pinecone's {@code update} with sparse values: replaces the sparse values of one existing record, leaving the
     * rest of it as it is. The table must have the sparse values' columns.
     *
     * @return whether the record was there
     */
    public boolean updateSparseValues(Connection connection, String namespace, String id, SparseValues sparse)
            throws SQLException {
        if (!layout.idType().accepts(id)) {
            return false;
        }
        return Jdbc.update(connection, Jdbc.Statement.of("UPDATE " + names.qualified() + " SET "
                + TableNames.column(TableNames.SPARSE_INDICES) + " = ?::int8[], " + TableNames.column(TableNames.SPARSE_VALUES)
                + " = ?::float4[]" + existingRecord(), sparse.indices(), sparse.values(), namespace,
                new String[] {id})) > 0;
    }

    /**
     * Pinecone's {@code update} with {@code set_metadata}: merges the keys into one existing record's metadata in
     * place ({@code jsonb ||}), so the embedding is neither sent nor rewritten and concurrent merges of other keys
     * are not lost.
     *
     * @return whether the record was there
     */
    public boolean mergeMetadata(Connection connection, String namespace, String id, Map<String, Object> setMetadata)
            throws SQLException {
        if (!layout.idType().accepts(id)) {
            return false;
        }
        String metadata = names.metadata();
        return Jdbc.update(connection, Jdbc.Statement.of("UPDATE " + names.qualified() + " SET " + metadata + " = COALESCE("
                + metadata + ", '{}'::jsonb) || ?::jsonb" + existingRecord(), MetadataJson.write(setMetadata), namespace,
                new String[] {id})) > 0;
    }

    // One record: a row of the namespace with this id that has an embedding.
    private String existingRecord() {
        return " WHERE " + TableNames.column(TableNames.NAMESPACE) + " = ? AND " + names.id() + " = ANY ("
                + layout.idType().arrayParameter() + ") AND " + TableNames.column(TableNames.EMBEDDING) + " IS NOT NULL";
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    private static String rows(int count, String row) {
        return String.join(", ", Collections.nCopies(count, row));
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

    private record Probe(long nowMicros, boolean anyRow) {
    }
}
