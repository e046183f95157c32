package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
        String[] extension = Jdbc.first(connection, Jdbc.Statement.of(EXTENSION),
                row -> new String[] {row.getString(1), row.getString(2)}).orElseThrow();
        String installed = extension[0];
        String available = extension[1];
        Optional<TableRow> table = Jdbc.first(connection, Jdbc.Statement.of(TABLE, names.schema(), names.table()),
                row -> new TableRow(row.getLong(1), row.getString(2).startsWith(TableShape.MARKER)));
        if (table.isEmpty()) {
            return new TableShape(installed, available, false, false, List.of(), List.of(), 0);
        }
        long oid = table.get().oid();
        return new TableShape(installed, available, true, table.get().createdByLibrary(), columns(connection, oid),
                indexes(connection, oid), schemaVersion(connection, names));
    }

    /** The table's row in pg_class: its oid, and whether its comment marks it as created by the library. */
    private record TableRow(long oid, boolean createdByLibrary) {
    }

    private static List<TableShape.Column> columns(Connection connection, long oid) throws SQLException {
        return Jdbc.list(connection, Jdbc.Statement.of(COLUMNS, oid), row -> new TableShape.Column(row.getString(1),
                row.getString(2), row.getString(3), row.getInt(4), row.getBoolean(5), row.getBoolean(6),
                row.getString(7).startsWith(TableShape.MARKER)));
    }

    private static List<TableShape.Index> indexes(Connection connection, long oid) throws SQLException {
        return Jdbc.list(connection, Jdbc.Statement.of(INDEXES, oid), row -> new TableShape.Index(row.getString(1),
                row.getString(2), row.getBoolean(3), row.getBoolean(4), row.getBoolean(5), strings(row.getArray(6)),
                strings(row.getArray(7)), strings(row.getArray(8)), row.getString(9)));
    }

    /** The highest version recorded for the table, 0 when the version table or its rows are missing. */
    public static int schemaVersion(Connection connection, TableNames names) throws SQLException {
        boolean versioned = Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL",
                names.versionTable()), row -> row.getBoolean(1)).orElseThrow();
        if (!versioned) {
            return 0;
        }
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT coalesce(max(version), 0) FROM " + names.versionTable()
                + " WHERE table_schema = ? AND table_name = ?", names.schema(), names.table()), row -> row.getInt(1))
                .orElseThrow();
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
