package io.amprenta.vectorstore.pgvector;

import com.pgvector.PGvector;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading, listing, counting and deleting records by id or filter. A record is a row with an embedding in the
 * namespace; rows without one (the application's rows still waiting for a backfill) are invisible here, except to
 * {@link #listIds} with {@code pending = true}, which lists exactly those for the migrator.
 *
 * <p>Deleting removes the row when the table belongs to the library, and otherwise clears the library's columns,
 * leaving the application's row and columns as they were (see {@link TableLayout#deletesRows}).
 */
final class Rows {

    private final TableLayout layout;
    private final TableNames names;
    private final boolean deleteRows;
    private final IdType idType;
    // The id column in listing order: byte order for text ids, the type's own order for uuid and integer ids.
    private final String byteOrder;
    private final FilterCompiler filters;

    /** Operations on {@code layout}; {@code deleteRows} says whether deletes remove rows or clear embeddings. */
    public Rows(TableLayout layout, boolean deleteRows) {
        this.layout = layout;
        this.names = layout.names();
        this.deleteRows = deleteRows;
        this.idType = layout.idType();
        this.byteOrder = idType.inOrder(names.id());
        this.filters = new FilterCompiler(names.metadata());
    }

    /** The records with these ids that exist in {@code namespace}, keyed by id in the order asked. */
    public Map<String, VectorRecord> fetch(Connection connection, String namespace, List<String> ids) throws SQLException {
        Map<String, VectorRecord> found = new HashMap<>();
        List<String> possible = idType.acceptable(ids);
        if (possible.isEmpty()) {
            return Map.of();
        }
        Jdbc.list(connection, Jdbc.Statement.of(selectRecords() + " AND " + names.id() + " = ANY (" + idType.arrayParameter()
                + ")", namespace, possible.toArray(String[]::new)), Rows::record)
                .forEach(record -> found.put(record.id(), record));
        Map<String, VectorRecord> ordered = new LinkedHashMap<>();
        ids.forEach(id -> {
            VectorRecord record = found.get(id);
            if (record != null) {
                ordered.put(id, record);
            }
        });
        return ordered;
    }

    /**
     * One page of the records whose metadata matches the request's filter, in byte order of ids (keyset pagination,
     * as {@link #listIds}, with the same cursor).
     */
    public RecordPage fetchByFilter(Connection connection, String namespace, RecordPageRequest request) throws SQLException {
        SqlFragment condition = filters.compile(request.filter());
        List<Object> parameters = new ArrayList<>();
        parameters.add(namespace);
        parameters.addAll(condition.parameters());
        StringBuilder sql = new StringBuilder(selectRecords()).append(" AND (").append(condition.sql()).append(")");
        if (request.cursor() != null) {
            sql.append(" AND ").append(byteOrder).append(" > ").append(idType.parameter());
            parameters.add(IdKeyset.lastId(request.cursor()));
        }
        sql.append(" ORDER BY ").append(byteOrder).append(" LIMIT ?");
        parameters.add(request.limit() + 1);
        List<VectorRecord> records = Jdbc.list(connection, new Jdbc.Statement(sql.toString(), parameters), Rows::record);
        if (records.size() <= request.limit()) {
            return new RecordPage(records, request, null);
        }
        List<VectorRecord> page = records.subList(0, request.limit());
        return new RecordPage(page, request, IdKeyset.cursorAfter(page.get(page.size() - 1).id()));
    }

    // The records of the namespace (first parameter); callers append conditions. The sparse values' columns are
    // read (as NULLs when the table lacks them), so that every read carries the whole record.
    private String selectRecords() {
        return "SELECT " + idType.asText(names.id()) + ", " + layout.vector().readExpression(TableNames.column(TableNames.EMBEDDING))
                + ", " + names.metadata() + ", " + sparseColumns(layout) + " FROM " + names.qualified() + " WHERE " + visible();
    }

    private static VectorRecord record(ResultSet row) throws SQLException {
        return new VectorRecord(row.getString(1), ((PGvector) row.getObject(2)).toArray(),
                StoredMetadata.read(row.getString(1), row.getString(3))).withSparseValues(sparseValues(row, 4));
    }

    /** The select list of the sparse values' columns ({@code sparse_indices, sparse_values}), NULLs when the table has none. */
    static String sparseColumns(TableLayout layout) {
        return layout.sparseValues()
                ? TableNames.column(TableNames.SPARSE_INDICES) + " AS sparse_indices, "
                        + TableNames.column(TableNames.SPARSE_VALUES) + " AS sparse_values"
                : "NULL::int8[] AS sparse_indices, NULL::float4[] AS sparse_values";
    }

    /** The sparse values in columns {@code column} and {@code column + 1} of {@code row}; null when absent. */
    static SparseValues sparseValues(ResultSet row, int column) throws SQLException {
        Array indices = row.getArray(column);
        Array values = row.getArray(column + 1);
        if (indices == null || values == null) {
            return null;
        }
        Long[] storedIndices = (Long[]) indices.getArray();
        Float[] storedValues = (Float[]) values.getArray();
        long[] sparseIndices = new long[storedIndices.length];
        float[] sparseValues = new float[storedValues.length];
        for (int i = 0; i < storedIndices.length; i++) {
            sparseIndices[i] = storedIndices[i];
        }
        for (int i = 0; i < storedValues.length; i++) {
            sparseValues[i] = storedValues[i];
        }
        return SparseValues.of(sparseIndices, sparseValues);
    }

    /**
     * Up to {@code count} ids of records in {@code namespace}, a pseudo-random sample that is the same for the same
     * {@code seed} and contents (ordered by a hash of seed and id), so benchmark runs can be repeated.
     */
    public List<String> sampleIds(Connection connection, String namespace, int count, long seed) throws SQLException {
        return Jdbc.list(connection, Jdbc.Statement.of("SELECT " + idType.asText(names.id()) + " FROM " + names.qualified()
                + " WHERE " + visible() + " ORDER BY md5(?::text || " + idType.asText(names.id()) + "), " + byteOrder
                + " LIMIT ?", namespace, Long.toString(seed), count), row -> row.getString(1));
    }

    /** Deletes the records with these ids; returns how many there were. */
    public int delete(Connection connection, String namespace, List<String> ids) throws SQLException {
        List<String> possible = idType.acceptable(ids);
        if (possible.isEmpty()) {
            return 0;
        }
        return Jdbc.update(connection, Jdbc.Statement.of(deletePrefix() + " AND " + names.id() + " = ANY ("
                + idType.arrayParameter() + ")", namespace, possible.toArray(String[]::new)));
    }

    /** Deletes the records whose metadata matches {@code filter}; returns how many there were. */
    public int deleteByFilter(Connection connection, String namespace, Filter filter) throws SQLException {
        SqlFragment condition = filters.compile(filter);
        List<Object> parameters = new ArrayList<>();
        parameters.add(namespace);
        parameters.addAll(condition.parameters());
        return Jdbc.update(connection, new Jdbc.Statement(deletePrefix() + " AND (" + condition.sql() + ")", parameters));
    }

    /** Deletes every record of {@code namespace}; returns how many there were. */
    public int deleteAll(Connection connection, String namespace) throws SQLException {
        return Jdbc.update(connection, Jdbc.Statement.of(deletePrefix(), namespace));
    }

    /**
     * One page of ids in byte order (for uuid and integer id columns, the type's own order): of records ({@code pending = false}) or of rows still lacking an embedding
     * ({@code pending = true}, served by the partial index {@code <table>_vs_pending}).
     */
    public IdPage listIds(Connection connection, String namespace, IdPageRequest request, boolean pending)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(idType.asText(names.id())).append(" FROM ").append(names.qualified())
                .append(" WHERE ").append(TableNames.column(TableNames.NAMESPACE)).append(" = ? AND ")
                .append(TableNames.column(TableNames.EMBEDDING)).append(pending ? " IS NULL" : " IS NOT NULL");
        parameters.add(namespace);
        String prefix = request.prefix();
        if (!prefix.isEmpty() && idType != IdType.TEXT) {
            sql.append(" AND starts_with(").append(idType.asText(names.id())).append(", ?)");
            parameters.add(prefix);
        } else if (!prefix.isEmpty()) {
            sql.append(" AND ").append(byteOrder).append(" >= ? AND starts_with(").append(names.id()).append(", ?)");
            parameters.add(prefix);
            parameters.add(prefix);
            Optional<String> end = IdKeyset.successor(prefix);
            if (end.isPresent()) {
                sql.append(" AND ").append(byteOrder).append(" < ?");
                parameters.add(end.get());
            }
        }
        if (request.cursor() != null) {
            sql.append(" AND ").append(byteOrder).append(" > ").append(idType.parameter());
            parameters.add(IdKeyset.lastId(request.cursor()));
        }
        sql.append(" ORDER BY ").append(byteOrder).append(" LIMIT ?");
        parameters.add(request.limit() + 1);
        List<String> ids = Jdbc.list(connection, new Jdbc.Statement(sql.toString(), parameters), row -> row.getString(1));
        if (ids.size() <= request.limit()) {
            return new IdPage(ids, request, null);
        }
        List<String> page = ids.subList(0, request.limit());
        return new IdPage(page, request, IdKeyset.cursorAfter(page.get(page.size() - 1)));
    }

    /** Records per namespace (rows with an embedding). */
    public Map<String, Long> countByNamespace(Connection connection) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        Jdbc.list(connection, Jdbc.Statement.of("SELECT " + TableNames.column(TableNames.NAMESPACE) + ", count(*) FROM "
                + names.qualified() + " WHERE " + TableNames.column(TableNames.EMBEDDING) + " IS NOT NULL GROUP BY 1"),
                row -> counts.put(row.getString(1), row.getLong(2)));
        return counts;
    }

    /** How many rows of {@code namespace} have no embedding yet (what a backfill of the table's own rows fills). */
    public long countPending(Connection connection, String namespace) throws SQLException {
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT count(*) FROM " + names.qualified() + " WHERE "
                + TableNames.column(TableNames.NAMESPACE) + " = ? AND " + TableNames.column(TableNames.EMBEDDING)
                + " IS NULL", namespace), row -> row.getLong(1)).orElse(0L);
    }

    private String visible() {
        return TableNames.column(TableNames.NAMESPACE) + " = ? AND " + TableNames.column(TableNames.EMBEDDING) + " IS NOT NULL";
    }

    private String deletePrefix() {
        if (deleteRows) {
            return "DELETE FROM " + names.qualified() + " WHERE " + visible();
        }
        return "UPDATE " + names.qualified() + " SET " + TableNames.column(TableNames.EMBEDDING) + " = NULL, "
                + TableNames.column(TableNames.EMBEDDING_MODEL) + " = NULL, " + names.metadata() + " = '{}'::jsonb, "
                + (layout.sparseValues() ? TableNames.column(TableNames.SPARSE_INDICES) + " = NULL, "
                        + TableNames.column(TableNames.SPARSE_VALUES) + " = NULL, " : "")
                + TableNames.column(TableNames.EMBEDDING_UPDATED_AT) + " = now() WHERE " + visible();
    }
}
