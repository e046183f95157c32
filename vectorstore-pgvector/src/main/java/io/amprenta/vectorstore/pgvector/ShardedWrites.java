package io.amprenta.vectorstore.pgvector;

import com.pgvector.PGvector;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.internal.MetadataJson;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Writes records into a sharded table through the coordinator (ARCHITECTURE.md, "Shards"): PostgreSQL routes each
 * row to its shard by the parent's hash partitioning, and {@code postgres_fdw} sends it there. A foreign table takes
 * {@code ON CONFLICT DO NOTHING} but not {@code DO UPDATE}, so an upsert is two statements in the caller's
 * transaction: an insert of the records that have no row ({@code DO NOTHING} leaves the others), then an update of
 * the rest, found by {@code id = ANY(...)} so each shard is asked for the batch's ids only. The update keeps
 * {@link PgWriteOptions#replaceOnlyRowsWrittenBefore} (ARCHITECTURE.md, "The backfill race"), and the sparse values'
 * columns are written in the same statements.
 */
final class ShardedWrites {

    private static final int MAX_ROWS_PER_STATEMENT = 1_000;

    private ShardedWrites() {
    }

    /**
     * Writes {@code sorted} (valid, distinct ids in id order) in the connection's transaction.
     *
     * @return the ids skipped because they have no row and {@code options} say not to insert rows; else empty
     */
    static Set<String> write(Connection connection, TableLayout layout, String namespace, List<VectorRecord> sorted,
                             PgWriteOptions options) throws SQLException {
        lockIds(connection, layout, namespace, sorted);
        Set<String> skipped = new LinkedHashSet<>();
        for (int start = 0; start < sorted.size(); start += MAX_ROWS_PER_STATEMENT) {
            List<VectorRecord> chunk = sorted.subList(start, Math.min(sorted.size(), start + MAX_ROWS_PER_STATEMENT));
            Set<String> written = options.insertMissingRows() ? insertNew(connection, layout, namespace, chunk, options)
                    : Set.of();
            List<VectorRecord> rest = chunk.stream().filter(record -> !written.contains(record.id())).toList();
            if (!rest.isEmpty()) {
                Set<String> updated = updateExisting(connection, layout, namespace, rest, options);
                if (!options.insertMissingRows()) {
                    skipped.addAll(missing(connection, layout, namespace, rest, updated));
                }
            }
        }
        return skipped;
    }

    /**
     * Serializes writers of the same records through this coordinator: a transaction-level advisory lock per
     * (table, namespace, id), taken in one order (so writers do not deadlock) before the first statement reaches a
     * shard. {@code postgres_fdw} runs the remote transactions in REPEATABLE READ, where two concurrent writers of
     * one row fail with a serialization error instead of waiting; behind the lock, the second one's remote snapshot
     * starts after the first committed (remote commits precede the local commit that releases the lock).
     */
    private static void lockIds(Connection connection, TableLayout layout, String namespace, List<VectorRecord> sorted)
            throws SQLException {
        String[] ids = sorted.stream().map(VectorRecord::id).toArray(String[]::new);
        Jdbc.list(connection, Jdbc.Statement.of("SELECT pg_advisory_xact_lock(hashtext(?), k) FROM (SELECT DISTINCT"
                + " hashtext(? || chr(31) || id) AS k FROM unnest(?::text[]) AS id ORDER BY 1) AS keys",
                layout.names().qualified(), namespace, ids), row -> null);
    }

    private static Set<String> insertNew(Connection connection, TableLayout layout, String namespace,
                                         List<VectorRecord> chunk, PgWriteOptions options) throws SQLException {
        TableNames names = layout.names();
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(names.qualified()).append(" (")
                .append(TableNames.column(TableNames.NAMESPACE)).append(", ").append(names.id()).append(", ")
                .append(TableNames.column(TableNames.EMBEDDING)).append(", ").append(TableNames.column(TableNames.EMBEDDING_MODEL))
                .append(", ").append(names.metadata()).append(", ").append(TableNames.column(TableNames.EMBEDDING_UPDATED_AT));
        if (layout.sparseValues()) {
            sql.append(", ").append(TableNames.column(TableNames.SPARSE_INDICES)).append(", ")
                    .append(TableNames.column(TableNames.SPARSE_VALUES));
        }
        sql.append(") SELECT ?, ").append(layout.idType().fromText("u.id")).append(", u.e::vector, ?, u.m::jsonb, now()");
        if (layout.sparseValues()) {
            sql.append(", u.si::int8[], u.sv::float4[]");
        }
        sql.append(" FROM ").append(unnest()).append(" ON CONFLICT DO NOTHING RETURNING ")
                .append(layout.idType().asText(names.id()));
        Columns columns = columns(chunk, options);
        List<String> inserted = Jdbc.list(connection, Jdbc.Statement.of(sql.toString(), namespace,
                options.embeddingModel(), columns.ids, columns.embeddings, columns.metadata, columns.sparseIndices,
                columns.sparseValues), row -> row.getString(1));
        return new HashSet<>(inserted);
    }

    private static Set<String> updateExisting(Connection connection, TableLayout layout, String namespace,
                                              List<VectorRecord> rest, PgWriteOptions options) throws SQLException {
        TableNames names = layout.names();
        StringBuilder sql = new StringBuilder("UPDATE ").append(names.qualified()).append(" AS t SET ")
                .append(TableNames.column(TableNames.EMBEDDING)).append(" = u.e::vector, ")
                .append(TableNames.column(TableNames.EMBEDDING_UPDATED_AT)).append(" = now()");
        List<Object> parameters = new ArrayList<>();
        if (options.embeddingModel() != null) {
            sql.append(", ").append(TableNames.column(TableNames.EMBEDDING_MODEL)).append(" = ?");
            parameters.add(options.embeddingModel());
        }
        if (options.writeMetadata()) {
            sql.append(", ").append(names.metadata()).append(" = u.m::jsonb");
        }
        if (layout.sparseValues()) {
            sql.append(", ").append(TableNames.column(TableNames.SPARSE_INDICES)).append(" = u.si::int8[], ")
                    .append(TableNames.column(TableNames.SPARSE_VALUES)).append(" = u.sv::float4[]");
        }
        Columns columns = columns(rest, options);
        sql.append(" FROM ").append(unnest()).append(" WHERE t.").append(TableNames.column(TableNames.NAMESPACE))
                .append(" = ? AND t.").append(names.id()).append(" = ").append(layout.idType().fromText("u.id"))
                .append(" AND t.").append(names.id()).append(" = ANY (").append(layout.idType().arrayParameter()).append(')');
        parameters.addAll(List.of(columns.ids, columns.embeddings, columns.metadata, columns.sparseIndices,
                columns.sparseValues, namespace, columns.ids));
        if (options.replaceOnlyRowsWrittenBefore() != null) {
            String column = "t." + TableNames.column(TableNames.EMBEDDING_UPDATED_AT);
            sql.append(" AND (").append(column).append(" IS NULL OR ").append(column).append(" < ?)");
            parameters.add(OffsetDateTime.ofInstant(options.replaceOnlyRowsWrittenBefore(), ZoneOffset.UTC));
        }
        sql.append(" RETURNING u.id");
        return new HashSet<>(Jdbc.list(connection, new Jdbc.Statement(sql.toString(), parameters), row -> row.getString(1)));
    }

    // The ids of `rest` that have no row (not merely a newer one the update left alone).
    private static Set<String> missing(Connection connection, TableLayout layout, String namespace,
                                       List<VectorRecord> rest, Set<String> updated) throws SQLException {
        String[] ids = rest.stream().map(VectorRecord::id).filter(id -> !updated.contains(id)).toArray(String[]::new);
        if (ids.length == 0) {
            return Set.of();
        }
        TableNames names = layout.names();
        Set<String> present = new HashSet<>(Jdbc.list(connection, Jdbc.Statement.of("SELECT "
                + layout.idType().asText(names.id()) + " FROM " + names.qualified() + " WHERE "
                + TableNames.column(TableNames.NAMESPACE) + " = ? AND " + names.id() + " = ANY ("
                + layout.idType().arrayParameter() + ")", namespace, ids), row -> row.getString(1)));
        Set<String> missing = new LinkedHashSet<>();
        for (String id : ids) {
            if (!present.contains(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    private static String unnest() {
        return "unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u(id, e, m, si, sv)";
    }

    // The records as parallel text arrays: vectors in pgvector's text form and sparse values as array literals, both
    // of which read back as the same floats (Float.toString round-trips).
    private static Columns columns(List<VectorRecord> records, PgWriteOptions options) {
        Columns columns = new Columns(records.size());
        for (int i = 0; i < records.size(); i++) {
            VectorRecord record = records.get(i);
            columns.ids[i] = record.id();
            columns.embeddings[i] = new PGvector(record.values()).getValue();
            columns.metadata[i] = options.writeMetadata() ? MetadataJson.write(record.metadata()) : "{}";
            if (record.hasSparseValues()) {
                columns.sparseIndices[i] = indices(record.sparseValues());
                columns.sparseValues[i] = values(record.sparseValues());
            }
        }
        return columns;
    }

    private static String indices(SparseValues sparse) {
        StringJoiner literal = new StringJoiner(",", "{", "}");
        for (int i = 0; i < sparse.size(); i++) {
            literal.add(Long.toString(sparse.index(i)));
        }
        return literal.toString();
    }

    private static String values(SparseValues sparse) {
        StringJoiner literal = new StringJoiner(",", "{", "}");
        for (int i = 0; i < sparse.size(); i++) {
            literal.add(Float.toString(sparse.value(i)));
        }
        return literal.toString();
    }

    /** A batch as the parallel arrays the statements unnest. */
    private static final class Columns {
        final String[] ids;
        final String[] embeddings;
        final String[] metadata;
        final String[] sparseIndices;
        final String[] sparseValues;

        Columns(int size) {
            ids = new String[size];
            embeddings = new String[size];
            metadata = new String[size];
            sparseIndices = new String[size];
            sparseValues = new String[size];
        }
    }
}
