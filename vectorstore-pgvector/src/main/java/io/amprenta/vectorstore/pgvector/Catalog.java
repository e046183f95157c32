package io.amprenta.vectorstore.pgvector;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@link TableShape} from the system catalogs. Only catalog queries, with the schema and table names
 * bound as parameters; nothing here needs the table to exist or pgvector to be installed.
 */
final class Catalog {

    private static final String EXTENSION = "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector'),"
            + " (SELECT default_version FROM pg_available_extensions WHERE name = 'vector')";

    private static final String TABLE = "SELECT c.oid, coalesce(obj_description(c.oid, 'pg_class'), '')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')";

    private static final String COLUMNS = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.atttypmod,"
            + " a.attnotnull, a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',"
            + " coalesce(col_description(a.attrelid, a.attnum), '')"
            + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

    private static final String INDEXES = "SELECT ic.relname, am.amname, i.indisunique, i.indisvalid, i.indpred IS NOT NULL,"
            + " ARRAY(SELECT coalesce(a.attname::text, '') FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
            + "   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            + "   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord),"
            + " ARRAY(SELECT opc.opcname::text FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(oid, ord)"
            + "   JOIN pg_opclass opc ON opc.oid = k.oid ORDER BY k.ord),"
            + " coalesce(ic.reloptions, '{}'::text[]), pg_get_indexdef(i.indexrelid)"
            + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
            + " WHERE i.indrelid = ? ORDER BY ic.relname";

    private Catalog() {
    }

    /** The shape of the table {@code names} on {@code connection}. */
    public static TableShape read(Connection connection, TableNames names) throws SQLException {
        String installed;
        String available;
        try (PreparedStatement statement = connection.prepareStatement(EXTENSION);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            installed = rows.getString(1);
            available = rows.getString(2);
        }
        long oid;
        boolean createdByLibrary;
        try (PreparedStatement statement = connection.prepareStatement(TABLE)) {
            statement.setString(1, names.schema());
            statement.setString(2, names.table());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return new TableShape(installed, available, false, false, List.of(), List.of(), 0);
                }
                oid = rows.getLong(1);
                createdByLibrary = rows.getString(2).startsWith(TableShape.MARKER);
            }
        }
        return new TableShape(installed, available, true, createdByLibrary, columns(connection, oid),
                indexes(connection, oid), schemaVersion(connection, names));
    }

    private static List<TableShape.Column> columns(Connection connection, long oid) throws SQLException {
        List<TableShape.Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new TableShape.Column(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getInt(4), rows.getBoolean(5), rows.getBoolean(6),
                            rows.getString(7).startsWith(TableShape.MARKER)));
                }
            }
        }
        return columns;
    }

    private static List<TableShape.Index> indexes(Connection connection, long oid) throws SQLException {
        List<TableShape.Index> indexes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(INDEXES)) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    indexes.add(new TableShape.Index(rows.getString(1), rows.getString(2), rows.getBoolean(3),
                            rows.getBoolean(4), rows.getBoolean(5), strings(rows.getArray(6)), strings(rows.getArray(7)),
                            strings(rows.getArray(8)), rows.getString(9)));
                }
            }
        }
        return indexes;
    }

    /** The highest version recorded for the table, 0 when the version table or its rows are missing. */
    public static int schemaVersion(Connection connection, TableNames names) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, names.versionTable());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    return 0;
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT coalesce(max(version), 0) FROM "
                + names.versionTable() + " WHERE table_schema = ? AND table_name = ?")) {
            statement.setString(1, names.schema());
            statement.setString(2, names.table());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        try {
            return Arrays.asList((String[]) array.getArray());
        } finally {
            array.free();
        }
    }
}
