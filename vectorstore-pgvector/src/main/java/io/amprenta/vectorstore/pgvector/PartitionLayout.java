package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Namespaces as LIST partitions of the table (ARCHITECTURE.md, "Namespaces as partitions"): the schema step that
 * partitions a table the library created, the partition a namespace gets on its first write, the {@code TRUNCATE}
 * that {@code deleteAll} of a namespace becomes, and what {@code schema status} and {@code health} report.
 *
 * <p>Partition names are derived from the namespace, so that every process (and the SQL of the conversion) finds the
 * same partition without a registry: {@code <table, at most 40 characters>_ns_<first 12 hex digits of md5(namespace)>},
 * and {@code <table>_ns_default} for the default partition. The catalog ({@code pg_partitioned_table}) records the
 * layout; nothing else does.
 *
 * <p>One instance per writer caches the namespaces seen to have a partition, and whether the table is partitioned at
 * all; a store opened before its table was partitioned keeps writing through the parent (its rows land in the
 * default partition) until it is restarted.
 */
final class PartitionLayout {

    private static final int TABLE_PREFIX = 40;
    private static final int HASH_DIGITS = 12;
    private static final String DO_START = "DO $vectorstore$\n";
    private static final String DO_END = "END\n$vectorstore$";

    private final TableNames names;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private volatile Boolean partitioned;

    /** The partitions of the table {@code names}. */
    PartitionLayout(TableNames names) {
        this.names = names;
    }

    /** The unquoted name of {@code namespace}'s partition. */
    static String partitionName(TableNames names, String namespace) {
        return prefix(names) + "_ns_" + HexFormat.of().formatHex(md5(namespace)).substring(0, HASH_DIGITS);
    }

    /** The unquoted name of the default partition, which holds the rows of namespaces without a partition. */
    static String defaultPartition(TableNames names) {
        return prefix(names) + "_ns_default";
    }

    private static String prefix(TableNames names) {
        String table = names.table();
        return table.codePointCount(0, table.length()) <= TABLE_PREFIX ? table
                : table.substring(0, table.offsetByCodePoints(0, TABLE_PREFIX));
    }

    /**
     * The statements an upgrade with {@code partitioning} runs after the step of {@code version}: the
     * {@link #partitionStep} after version 1; nothing otherwise.
     */
    static List<String> stepsAfter(int version, TableNames names, Partitioning partitioning) {
        return version == 1 && partitioning == Partitioning.NAMESPACE ? List.of(partitionStep(names)) : List.of();
    }

    /**
     * The schema step of {@code --partition-by namespace}, run after version 1 made (or found) the table and before
     * the indexes of the later versions, which then build on the partitioned table and cascade to every partition.
     * A table already partitioned is left alone. A table the library created is converted in the upgrade's
     * transaction: renamed aside, recreated as {@code PARTITION BY LIST (namespace)} with the same columns, defaults
     * and comments, given a default partition and one partition per namespace it holds, filled with one
     * {@code INSERT ... SELECT}, and the old table dropped; the (namespace, id) key is added after the copy. Readers
     * and writers wait for the copy (PostgreSQL cannot swap a plain table for a partitioned one in place). An
     * application's table is refused: its own primary key (usually the id alone) cannot stay on a table partitioned
     * by namespace, and the library never changes it.
     */
    static String partitionStep(TableNames names) {
        String aside = Identifiers.derived(names.table(), "unpartitioned");
        String namespace = TableNames.column(TableNames.NAMESPACE);
        return DO_START + "DECLARE\n  target regclass := to_regclass(" + Identifiers.literal(names.qualified()) + ");\n"
                + "  original text;\n  ns text;\nBEGIN\n"
                + "  IF target IS NULL OR EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = target) THEN\n"
                + "    RETURN;\n  END IF;\n"
                + "  original := coalesce(obj_description(target, 'pg_class'), '');\n"
                + "  IF original NOT LIKE " + Identifiers.literal(TableShape.MARKER + "%") + " THEN\n"
                + "    RAISE EXCEPTION 'vectorstore: % is the application''s table: partitioning it by namespace needs a"
                + " primary key that includes namespace, and the library never changes the application''s key', target\n"
                + "      USING ERRCODE = 'feature_not_supported', HINT = 'Partition it in your own migration (see"
                + " docs/pgvector.md, Namespaces as partitions), or let the library create a new table.';\n  END IF;\n"
                + "  ALTER TABLE " + names.qualified() + " RENAME TO " + Identifiers.quote(aside) + ";\n"
                + "  CREATE TABLE " + names.qualified() + " (LIKE " + names.qualify(aside)
                + " INCLUDING ALL EXCLUDING INDEXES) PARTITION BY LIST (" + namespace + ");\n"
                + "  EXECUTE format('COMMENT ON TABLE %s IS %L', " + Identifiers.literal(names.qualified()) + ", original);\n"
                + "  CREATE TABLE " + names.qualify(defaultPartition(names)) + " PARTITION OF " + names.qualified()
                + " DEFAULT;\n"
                + "  FOR ns IN SELECT DISTINCT " + namespace + " FROM " + names.qualify(aside) + " LOOP\n"
                + "    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES IN (%L)', "
                + Identifiers.literal(names.schema()) + ", " + Identifiers.literal(prefix(names) + "_ns_")
                + " || left(md5(ns), " + HASH_DIGITS + "), " + Identifiers.literal(names.qualified()) + ", ns);\n"
                + "  END LOOP;\n"
                + "  INSERT INTO " + names.qualified() + " SELECT * FROM " + names.qualify(aside) + ";\n"
                + "  DROP TABLE " + names.qualify(aside) + ";\n"
                + "  ALTER TABLE " + names.qualified() + " ADD CONSTRAINT " + Identifiers.quote(names.keyIndex())
                + " PRIMARY KEY (" + namespace + ", " + names.id() + ");\n"
                + DO_END;
    }

    /**
     * The statement that gives {@code namespace} its partition, moving the rows the default partition holds for it
     * (PostgreSQL refuses to create a partition whose rows sit in the default one). It takes the schema lock and
     * looks again, so two writers creating the same partition at once create it once; the lock and the parent's
     * lock last until the caller's transaction ends, and a rolled-back write takes the partition with it.
     */
    static String createPartition(TableNames names, String namespace) {
        String partition = names.qualify(partitionName(names, namespace));
        String fallback = names.qualify(defaultPartition(names));
        String where = " WHERE " + TableNames.column(TableNames.NAMESPACE) + " = " + Identifiers.literal(namespace);
        return DO_START + "BEGIN\n  PERFORM pg_advisory_xact_lock(" + SchemaScripts.ADVISORY_LOCK_KEY + ");\n"
                + "  IF to_regclass(" + Identifiers.literal(partition) + ") IS NOT NULL THEN\n    RETURN;\n  END IF;\n"
                + "  IF to_regclass(" + Identifiers.literal(fallback) + ") IS NOT NULL AND EXISTS (SELECT 1 FROM " + fallback
                + where + ") THEN\n"
                + "    CREATE TEMP TABLE vectorstore_moved AS SELECT * FROM " + fallback + where + ";\n"
                + "    DELETE FROM " + fallback + where + ";\n"
                + "    CREATE TABLE " + partition + " PARTITION OF " + names.qualified() + " FOR VALUES IN ("
                + Identifiers.literal(namespace) + ");\n"
                + "    INSERT INTO " + names.qualified() + " SELECT * FROM pg_temp.vectorstore_moved;\n"
                + "    DROP TABLE pg_temp.vectorstore_moved;\n"
                + "  ELSE\n"
                + "    CREATE TABLE " + partition + " PARTITION OF " + names.qualified() + " FOR VALUES IN ("
                + Identifiers.literal(namespace) + ");\n"
                + "  END IF;\n" + DO_END;
    }

    /**
     * Makes sure {@code namespace} has its partition when the table is partitioned, in the caller's transaction
     * (which must not be in auto-commit mode). One catalog query until the partition is seen; nothing afterwards.
     */
    void ensure(Connection connection, String namespace) throws SQLException {
        if (Boolean.FALSE.equals(partitioned) || known.contains(namespace)) {
            return;
        }
        if (partitionExists(connection, namespace)) {
            known.add(namespace);
        } else if (Boolean.TRUE.equals(partitioned)) {
            // Remembered only once seen committed: a write that rolls back takes its new partition with it.
            Jdbc.execute(connection, createPartition(names, namespace));
        }
    }

    /**
     * Empties {@code namespace}'s partition with {@code TRUNCATE} when it has one (the partition stays, ready for
     * the next write, so no writer's cache goes stale); false when the table is not partitioned or the namespace has
     * no partition, and the caller deletes its rows.
     */
    boolean truncate(Connection connection, String namespace) throws SQLException {
        if (Boolean.FALSE.equals(partitioned) || !partitionExists(connection, namespace)) {
            return false;
        }
        Jdbc.execute(connection, "TRUNCATE " + names.qualify(partitionName(names, namespace)));
        return true;
    }

    // Also learns whether the table is partitioned at all.
    private boolean partitionExists(Connection connection, String namespace) throws SQLException {
        boolean[] state = Jdbc.first(connection, Jdbc.Statement.of("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table"
                + " WHERE partrelid = to_regclass(?)), EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(?)"
                + " AND inhparent = to_regclass(?))", names.qualified(), names.qualify(partitionName(names, namespace)),
                names.qualified()), row -> new boolean[] {row.getBoolean(1), row.getBoolean(2)}).orElseThrow();
        partitioned = state[0];
        return state[0] && state[1];
    }

    /** Whether the table {@code names} is partitioned. */
    static boolean isPartitioned(Connection connection, TableNames names) throws SQLException {
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid"
                + " = to_regclass(?))", names.qualified()), row -> row.getBoolean(1)).orElseThrow();
    }

    /**
     * What the table's partitions are, for {@code schema status} and {@code health}; empty when it is not
     * partitioned.
     *
     * @param strategy how it is partitioned, e.g. {@code LIST (namespace)}
     * @param namespacePartitions the partitions of single namespaces
     * @param hasDefault whether the default partition exists
     * @param defaultRows the rows the default partition holds (namespaces without a partition of their own)
     */
    record Summary(String strategy, long namespacePartitions, boolean hasDefault, long defaultRows) {

        /** One line for people. */
        String describe() {
            return strategy + ": " + namespacePartitions + " namespace partition(s), "
                    + (hasDefault ? "default partition with " + defaultRows + " row(s)" : "no default partition");
        }
    }

    /** The partitions of the table {@code names}, or empty when it is not partitioned (or missing). */
    static Optional<Summary> summary(Connection connection, TableNames names) throws SQLException {
        Optional<String[]> parent = Jdbc.first(connection, Jdbc.Statement.of("SELECT pg_get_partkeydef(partrelid),"
                + " (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = partrelid"
                + " AND NOT (partdefid = c.oid)) FROM pg_partitioned_table WHERE partrelid = to_regclass(?)",
                names.qualified()), row -> new String[] {row.getString(1), row.getString(2)});
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        String fallback = names.qualify(defaultPartition(names));
        boolean hasDefault = Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL", fallback),
                row -> row.getBoolean(1)).orElseThrow();
        long defaultRows = hasDefault ? Jdbc.first(connection, Jdbc.Statement.of("SELECT count(*) FROM " + fallback),
                row -> row.getLong(1)).orElseThrow() : 0;
        return Optional.of(new Summary(parent.get()[0], Long.parseLong(parent.get()[1]), hasDefault, defaultRows));
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
