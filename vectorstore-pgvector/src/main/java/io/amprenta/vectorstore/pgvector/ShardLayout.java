package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * A table sharded across servers, as the coordinator's catalog shows it: a HASH-partitioned parent whose partitions
 * are all {@code postgres_fdw} foreign tables, one per shard server (ARCHITECTURE.md, "Shards"). Reading it is the
 * only thing the store needs to know to query each shard concurrently ({@link ShardedSearch}) and to write through
 * PostgreSQL's own tuple routing ({@link ShardedWrites}).
 *
 * @param partitionKey the parent's partition key as {@code pg_get_partkeydef} prints it, e.g. {@code HASH (namespace)}
 * @param partitions the foreign partitions, quoted and qualified, in name order
 * @param servers the foreign server of each partition, in the same order
 */
record ShardLayout(String partitionKey, List<String> partitions, List<String> servers) {

    private static final String PARENT = "SELECT c.oid, pg_get_partkeydef(c.oid) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'p'";

    private static final String PARTITIONS = "SELECT c.relkind = 'f', format('%I.%I', pn.nspname, c.relname),"
            + " coalesce(s.srvname::text, '') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            + " JOIN pg_namespace pn ON pn.oid = c.relnamespace LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid"
            + " LEFT JOIN pg_foreign_server s ON s.oid = ft.ftserver WHERE i.inhparent = ? ORDER BY c.relname";

    /** Copies the lists. */
    ShardLayout {
        partitions = List.copyOf(partitions);
        servers = List.copyOf(servers);
    }

    /**
     * The shards of the table {@code names}, or empty when it is not a partitioned table whose partitions are all
     * foreign tables (a plain table, or namespace partitions on the same server).
     */
    static Optional<ShardLayout> read(Connection connection, TableNames names) throws SQLException {
        Optional<Object[]> parent = Jdbc.first(connection, Jdbc.Statement.of(PARENT, names.schema(), names.table()),
                row -> new Object[] {row.getLong(1), row.getString(2)});
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        List<Object[]> children = Jdbc.list(connection, Jdbc.Statement.of(PARTITIONS, parent.get()[0]),
                row -> new Object[] {row.getBoolean(1), row.getString(2), row.getString(3)});
        if (children.isEmpty() || !children.stream().allMatch(child -> (Boolean) child[0])) {
            return Optional.empty();
        }
        return Optional.of(new ShardLayout((String) parent.get()[1],
                children.stream().map(child -> (String) child[1]).toList(),
                children.stream().map(child -> (String) child[2]).toList()));
    }
}
