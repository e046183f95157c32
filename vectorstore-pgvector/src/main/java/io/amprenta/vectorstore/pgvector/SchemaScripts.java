package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.DistanceMetric;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of every schema step, generated from validated names: the single source of what {@code schema upgrade}
 * and {@code schema downgrade} execute and what {@code schema sql} prints, so a team applying the printed script
 * with its own migration tool gets exactly the database the library would have made.
 *
 * <p>Every statement is idempotent (it checks the catalog before acting), so the script works on a database that
 * has the table or not, and running it twice changes nothing. The library marks what it creates with a comment
 * starting with {@value TableShape#MARKER}; a downgrade drops only marked columns and a table only when the
 * library created it and nothing but the library's columns remain. Application columns and rows are never touched.
 *
 * <p>Steps: version 1 adds the table or the library's fixed columns and the (namespace, id) key; version 2 adds the
 * HNSW index for the metric (unless the table already has a vector index that serves it, under any name) and a
 * partial index of rows still lacking an embedding; version 3 gives record metadata a column of the library's own
 * and indexes it with GIN (ARCHITECTURE.md, "The application's table"); version 4 adds the lossless sparse-value
 * columns (ARCHITECTURE.md, "Sparse values"). Each version's SQL is one method here, and
 * {@code SchemaManager} dispatches on the version, so adding a step means one method and one row in
 * {@link #DESCRIPTIONS}.
 */
final class SchemaScripts {

    /** The newest schema version this library knows. */
    public static final int LATEST_VERSION = 4;

    /** Schema changes of all tables are serialized on this advisory lock: "vecstore" read as a 64-bit integer. */
    public static final long ADVISORY_LOCK_KEY = 8531334416649122405L;

    /** What each version does, for the version table and for reports. */
    public static final Map<Integer, String> DESCRIPTIONS = Map.of(
            1, "embedding, embedding_model, namespace and embedding_updated_at columns; (namespace, id) key",
            2, "HNSW vector index (unless one serves the metric already), partial index of rows without an embedding",
            3, "library-owned metadata column and its GIN index",
            4, "embedding_sparse_indices (bigint[]) and embedding_sparse_values (real[]) columns for sparse values, GIN index");

    private static final String DO_START = "DO $vectorstore$\nDECLARE\n  target regclass := to_regclass(%s);\n";
    private static final String DO_END = "END\n$vectorstore$";

    private SchemaScripts() {
    }

    /** The statements that start every upgrade: the lock, the extension, the version and calibration tables. */
    public static List<String> upgradePrologue(TableNames names) {
        return List.of(
                lock(),
                "CREATE EXTENSION IF NOT EXISTS vector",
                "CREATE TABLE IF NOT EXISTS " + names.versionTable() + " (\n"
                        + "  table_schema text NOT NULL,\n"
                        + "  table_name text NOT NULL,\n"
                        + "  version integer NOT NULL,\n"
                        + "  description text NOT NULL,\n"
                        + "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
                        + "  applied_by text NOT NULL DEFAULT current_user,\n"
                        + "  PRIMARY KEY (table_schema, table_name, version))",
                calibrationTable(names), calibrationIndexColumn(names));
    }

    /**
     * The table of calibrated search settings ({@link SearchCalibration}), one row per table, filtered or not, and size
     * class; created with the version table, and by the first saved calibration on a database upgraded before it
     * existed. It has no version of its own: its rows are measurements, not schema.
     */
    public static String calibrationTable(TableNames names) {
        return "CREATE TABLE IF NOT EXISTS " + names.calibrationTable() + " (\n"
                + "  table_schema text NOT NULL,\n"
                + "  table_name text NOT NULL,\n"
                + "  filtered boolean NOT NULL,\n"
                + "  size_class integer NOT NULL,\n"
                + "  row_count bigint NOT NULL,\n"
                + "  ef_search integer NOT NULL,\n"
                + "  iterative_scan text NOT NULL,\n"
                + "  recall double precision NOT NULL,\n"
                + "  target_recall double precision NOT NULL,\n"
                + "  top_k integer NOT NULL,\n"
                + "  queries integer NOT NULL,\n"
                + "  measured_at timestamptz NOT NULL DEFAULT now(),\n"
                + "  measured_by text NOT NULL DEFAULT current_user,\n"
                + "  PRIMARY KEY (table_schema, table_name, filtered, size_class))";
    }

    /**
     * The calibration table's record of the vector index each calibration measured ({@link #VECTOR_INDEX_DEFINITION}
     * at the time), added apart from {@link #calibrationTable} so that a table made before it gains it. A calibration
     * applies only while that index stands (ARCHITECTURE.md, "Calibration"); rows without one (saved before it existed,
     * or where the table has no vector index, as on a sharded coordinator) apply as they always did.
     */
    public static String calibrationIndexColumn(TableNames names) {
        return "ALTER TABLE " + names.calibrationTable() + " ADD COLUMN IF NOT EXISTS index_definition text";
    }

    /**
     * A scalar subquery: the definitions ({@code pg_get_indexdef}) of the vector indexes on the table whose qualified
     * name is bound to its one parameter, joined in name order; NULL when it has none. Rebuilding the index with other
     * parameters (precision, m, ef_construction), by the library or by the application's own tools, changes it.
     */
    public static final String VECTOR_INDEX_DEFINITION = "(SELECT string_agg(pg_get_indexdef(i.indexrelid), '; '"
            + " ORDER BY ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
            + " JOIN pg_am am ON am.oid = ic.relam WHERE i.indrelid = to_regclass(?) AND am.amname IN ('hnsw', 'ivfflat'))";

    /** The statement that takes the schema lock until the transaction ends. */
    public static String lock() {
        return "SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")";
    }

    /** Version 1 up: create the table, or add the library's columns and key to the application's table. */
    public static List<String> columnsUp(TableNames names, VectorColumn vector) {
        StringBuilder sql = new StringBuilder(String.format(DO_START, Identifiers.literal(names.qualified())));
        sql.append("BEGIN\n  IF target IS NULL THEN\n")
                .append("    CREATE TABLE ").append(names.qualified()).append(" (\n")
                .append("      ").append(names.id()).append(" text COLLATE \"C\" NOT NULL,\n");
        for (String column : TableNames.FIXED_COLUMNS) {
            sql.append("      ").append(TableNames.column(column)).append(' ').append(columnDefinition(column, vector)).append(",\n");
        }
        sql.append("      CONSTRAINT ").append(Identifiers.quote(names.keyIndex())).append(" PRIMARY KEY (")
                .append(TableNames.column(TableNames.NAMESPACE)).append(", ").append(names.id()).append("));\n")
                .append("    COMMENT ON TABLE ").append(names.qualified()).append(" IS ")
                .append(Identifiers.literal(TableShape.MARKER + " created by schema upgrade; schema downgrade drops it")).append(";\n");
        for (String column : TableNames.FIXED_COLUMNS) {
            sql.append("    ").append(commentColumn(names, column)).append(";\n");
        }
        sql.append("    RETURN;\n  END IF;\n");
        appendIdCheck(sql, names);
        for (String column : TableNames.FIXED_COLUMNS) {
            appendAddColumn(sql, names, column, vector);
        }
        appendKeyIndex(sql, names);
        sql.append(DO_END);
        return List.of(sql.toString(), recordVersion(names, 1));
    }

    /**
     * Version 2 up: the indexes; the HNSW index only when {@code includeVectorIndex}, pgvector can index the column,
     * and no vector index serving {@code metric} exists yet (an application's own is adopted, never duplicated).
     */
    public static List<String> indexesUp(TableNames names, VectorColumn vector, DistanceMetric metric, int m,
                                         int efConstruction, boolean includeVectorIndex) {
        List<String> statements = new ArrayList<>();
        if (includeVectorIndex && vector.indexable()) {
            // While a migration has dropped the table's vector indexes for a bulk load (their definitions wait in the
            // deferred index table), the migration rebuilds them; building one here would slow the load and end
            // as a duplicate. The inner statement is planned only when that table exists.
            statements.add(String.format(DO_START, Identifiers.literal(names.qualified())) + "  deferred boolean := false;\n"
                    + "BEGIN\n  IF to_regclass(" + Identifiers.literal(names.deferredIndexTable()) + ") IS NOT NULL THEN\n"
                    + "    SELECT EXISTS (SELECT 1 FROM " + names.deferredIndexTable() + " WHERE table_schema = "
                    + Identifiers.literal(names.schema()) + " AND table_name = " + Identifiers.literal(names.table())
                    + ") INTO deferred;\n  END IF;\n  IF NOT deferred AND NOT EXISTS (" + servingIndexQuery(vector, metric)
                    + ") THEN\n    " + createVectorIndex(names, vector, metric, m, efConstruction) + ";\n  END IF;\n"
                    + DO_END);
        }
        String pending = "CREATE INDEX IF NOT EXISTS " + Identifiers.quote(names.pendingIndex()) + " ON " + names.qualified()
                + " (" + TableNames.column(TableNames.NAMESPACE) + ", %s) WHERE " + TableNames.column(TableNames.EMBEDDING)
                + " IS NULL";
        statements.add(String.format(DO_START, Identifiers.literal(names.qualified())) + "BEGIN\n"
                + byIdType(names, pending.formatted(names.idInByteOrder()), pending.formatted(names.id())) + DO_END);
        statements.add(recordVersion(names, 2));
        return statements;
    }

    /** The HNSW index for {@code metric}; the vector column (or its halfvec cast, for a half-precision index) is indexed. */
    public static String createVectorIndex(TableNames names, VectorColumn vector, DistanceMetric metric, int m,
                                           int efConstruction) {
        return "CREATE INDEX IF NOT EXISTS " + Identifiers.quote(names.vectorIndex()) + " ON " + names.qualified()
                + " USING hnsw (" + vector.indexExpression(TableNames.column(TableNames.EMBEDDING)) + " "
                + vector.operatorClass(metric) + ") WITH (m = " + m + ", ef_construction = " + efConstruction + ")";
    }

    /**
     * A query for the valid, non-partial HNSW or IVFFlat indexes of {@code target} that serve {@code metric} over
     * {@code vector} in either precision (on the column, or on its halfvec cast): the catalog form of
     * {@link TableShape#servingIndexes}, for scripts that must decide when they run. An index of the other precision
     * is adopted, never duplicated.
     */
    static String servingIndexQuery(VectorColumn vector, DistanceMetric metric) {
        String onColumn = "i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = target AND attname = "
                + Identifiers.literal(TableNames.EMBEDDING) + " AND NOT attisdropped)";
        VectorColumn full = new VectorColumn(vector.type(), vector.dimension(), false);
        String key = "(opc.opcname = " + Identifiers.literal(full.operatorClass(metric)) + " AND " + onColumn + ")";
        if (vector.type() == VectorColumn.Type.VECTOR) {
            VectorColumn half = new VectorColumn(vector.type(), vector.dimension(), true);
            key = "(" + key + " OR (opc.opcname = " + Identifiers.literal(half.operatorClass(metric))
                    + " AND i.indkey[0] = 0 AND pg_get_indexdef(i.indexrelid) LIKE "
                    + Identifiers.literal("%" + TableNames.EMBEDDING + "%") + "))";
        }
        return "SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
                + " JOIN pg_opclass opc ON opc.oid = i.indclass[0]\n      WHERE i.indrelid = target AND i.indisvalid"
                + " AND i.indpred IS NULL AND i.indnkeyatts = 1 AND am.amname IN ('hnsw', 'ivfflat')\n        AND " + key;
    }

    /**
     * Version 3 up: the library's own metadata column. A {@code metadata} column an earlier version added (its
     * comment carries the marker) is renamed, keeping its values and its GIN index; otherwise the column is added,
     * and when an earlier version of the library had adopted the application's {@code metadata} (a version recorded
     * before this transaction), the record metadata of rows with an embedding is copied from it, so records read
     * and filter as before. The application's column itself is never changed, and a GIN index an earlier version
     * built on it is dropped: nothing of the library reads it any more.
     */
    public static List<String> metadataUp(TableNames names) {
        String legacy = Identifiers.literal(TableNames.LEGACY_METADATA);
        StringBuilder sql = new StringBuilder(String.format(DO_START, Identifiers.literal(names.qualified())));
        sql.append("BEGIN\n  IF NOT ").append(columnExists(names.metadataColumn())).append(" THEN\n");
        boolean renamable = !names.metadataColumn().equals(TableNames.LEGACY_METADATA);
        if (renamable) {
            sql.append("    IF coalesce(col_description(target, (SELECT attnum FROM pg_attribute WHERE attrelid = target")
                    .append(" AND attname = ").append(legacy).append(" AND NOT attisdropped)), '') LIKE ")
                    .append(Identifiers.literal(TableShape.MARKER + "%")).append(" THEN\n")
                    .append("      ALTER TABLE ").append(names.qualified()).append(" RENAME COLUMN ")
                    .append(TableNames.column(TableNames.LEGACY_METADATA)).append(" TO ").append(names.metadata())
                    .append(";\n      RETURN;\n    END IF;\n");
        }
        sql.append("    ALTER TABLE ").append(names.qualified()).append(" ADD COLUMN ").append(names.metadata())
                .append(" jsonb NOT NULL DEFAULT '{}'::jsonb;\n")
                .append("    ").append(commentColumn(names, names.metadataColumn())).append(";\n");
        if (renamable) {
            sql.append("    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attname = ").append(legacy)
                    .append(" AND NOT attisdropped AND atttypid = 'jsonb'::regtype)\n")
                    .append("       AND EXISTS (SELECT 1 FROM ").append(names.versionTable()).append(" WHERE table_schema = ")
                    .append(Identifiers.literal(names.schema())).append(" AND table_name = ")
                    .append(Identifiers.literal(names.table())).append(" AND version = 1 AND applied_at < now()) THEN\n")
                    .append("      UPDATE ").append(names.qualified()).append(" SET ").append(names.metadata()).append(" = ")
                    .append(TableNames.column(TableNames.LEGACY_METADATA)).append(" WHERE ")
                    .append(TableNames.column(TableNames.EMBEDDING)).append(" IS NOT NULL AND jsonb_typeof(")
                    .append(TableNames.column(TableNames.LEGACY_METADATA)).append(") = 'object';\n    END IF;\n");
        }
        sql.append("  END IF;\n")
                .append("  IF EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = to_regclass(")
                .append(Identifiers.literal(names.qualify(names.metadataIndex()))).append(")\n")
                .append("      AND i.indkey[0] <> (SELECT attnum FROM pg_attribute WHERE attrelid = target AND attname = ")
                .append(Identifiers.literal(names.metadataColumn())).append(")) THEN\n")
                .append("    DROP INDEX ").append(names.qualify(names.metadataIndex())).append(";\n  END IF;\n")
                .append(DO_END);
        return List.of(sql.toString(),
                "CREATE INDEX IF NOT EXISTS " + Identifiers.quote(names.metadataIndex()) + " ON " + names.qualified()
                        + " USING gin (" + names.metadata() + " jsonb_path_ops)",
                recordVersion(names, 3));
    }

    /**
     * Version 3 down, when the downgrade stops at version 1 or 2: give the metadata back the shape those versions
     * had, renaming the library's column to {@code metadata} when no such column exists, else dropping it. (A
     * downgrade to nothing leaves it to version 1 down, which drops it with the library's other columns.)
     */
    public static List<String> metadataDown(TableNames names) {
        StringBuilder sql = new StringBuilder(String.format(DO_START, Identifiers.literal(names.qualified())));
        sql.append("BEGIN\n  IF target IS NULL OR NOT ").append(columnExists(names.metadataColumn()))
                .append(" OR coalesce(col_description(target, (SELECT attnum FROM pg_attribute WHERE attrelid = target")
                .append(" AND attname = ").append(Identifiers.literal(names.metadataColumn()))
                .append(" AND NOT attisdropped)), '') NOT LIKE ").append(Identifiers.literal(TableShape.MARKER + "%"))
                .append(" THEN\n    RETURN;\n  END IF;\n")
                .append("  IF NOT ").append(columnExists(TableNames.LEGACY_METADATA)).append(" THEN\n")
                .append("    ALTER TABLE ").append(names.qualified()).append(" RENAME COLUMN ").append(names.metadata())
                .append(" TO ").append(TableNames.column(TableNames.LEGACY_METADATA)).append(";\n  ELSE\n")
                .append("    ALTER TABLE ").append(names.qualified()).append(" DROP COLUMN ").append(names.metadata())
                .append(";\n  END IF;\n").append(DO_END);
        return List.of(sql.toString(), forgetVersion(names, 3));
    }

    /** The version-3 step of a downgrade to nothing: version 1 down drops the column, so only the record goes. */
    public static List<String> forgetMetadataVersion(TableNames names) {
        return List.of(forgetVersion(names, 3));
    }

    /**
     * Version 4 up: the sparse values' columns, nullable (a record without sparse values leaves them NULL), marked
     * as the library's so that a downgrade drops them and never an application's column of the same name, and the GIN
     * index on the indices that hybrid queries find overlapping rows with.
     */
    public static List<String> sparseUp(TableNames names) {
        StringBuilder sql = new StringBuilder(String.format(DO_START, Identifiers.literal(names.qualified())));
        sql.append("BEGIN\n");
        for (String column : TableNames.SPARSE_COLUMNS) {
            appendAddColumn(sql, names, column, null);
        }
        sql.append(DO_END);
        return List.of(sql.toString(), "CREATE INDEX IF NOT EXISTS " + Identifiers.quote(names.sparseIndex()) + " ON "
                + names.qualified() + " USING gin (" + TableNames.column(TableNames.SPARSE_INDICES) + ")",
                recordVersion(names, 4));
    }

    /**
     * Version 4 down: drop the sparse values' columns (when marked as the library's). Rows holding sparse values
     * stop the downgrade unless {@code dropPopulated} (they were copied by {@link #backup} first, or the caller
     * confirmed they may go): a downgrade never loses half of a record without consent.
     */
    public static List<String> sparseDown(TableNames names, boolean dropPopulated) {
        StringBuilder sql = new StringBuilder(String.format(DO_START, Identifiers.literal(names.qualified())));
        sql.append("  populated bigint := 0;\nBEGIN\n  IF target IS NULL OR NOT ").append(columnExists(TableNames.SPARSE_INDICES))
                .append(" THEN\n    RETURN;\n  END IF;\n");
        if (!dropPopulated) {
            sql.append("  SELECT count(*) INTO populated FROM ").append(names.qualified()).append(" WHERE ")
                    .append(TableNames.column(TableNames.SPARSE_INDICES)).append(" IS NOT NULL;\n")
                    .append("  IF populated > 0 THEN\n")
                    .append("    RAISE EXCEPTION 'vectorstore: % row(s) of ").append(names.display())
                    .append(" hold sparse values, which this downgrade would drop', populated\n")
                    .append("      USING ERRCODE = 'object_in_use', HINT = 'Copy them to a backup table first, or drop")
                    .append(" them deliberately (schema downgrade --backup-table NAME or --drop-embeddings).';\n  END IF;\n");
        }
        for (String column : TableNames.SPARSE_COLUMNS) {
            appendDropMarkedColumn(sql, names, column);
        }
        sql.append(DO_END);
        return List.of(sql.toString(), forgetVersion(names, 4));
    }

    /** Creates the table in which {@code --defer-index} records the definitions of the indexes it dropped. */
    public static String createDeferredIndexTable(TableNames names) {
        return "CREATE TABLE IF NOT EXISTS " + names.deferredIndexTable() + " (\n"
                + "  table_schema text NOT NULL,\n"
                + "  table_name text NOT NULL,\n"
                + "  index_name text NOT NULL,\n"
                + "  definition text NOT NULL,\n"
                + "  dropped_at timestamptz NOT NULL DEFAULT now(),\n"
                + "  PRIMARY KEY (table_schema, table_name, index_name))";
    }

    /** Records the definition of an index about to be dropped for a bulk load. */
    public static String recordDeferredIndex(TableNames names, String index, String definition) {
        return "INSERT INTO " + names.deferredIndexTable() + " (table_schema, table_name, index_name, definition) VALUES ("
                + Identifiers.literal(names.schema()) + ", " + Identifiers.literal(names.table()) + ", "
                + Identifiers.literal(index) + ", " + Identifiers.literal(definition) + ") ON CONFLICT DO NOTHING";
    }

    /** Forgets the deferred indexes of the table, once they are rebuilt. */
    public static String forgetDeferredIndexes(TableNames names) {
        return "DELETE FROM " + names.deferredIndexTable() + " WHERE table_schema = " + Identifiers.literal(names.schema())
                + " AND table_name = " + Identifiers.literal(names.table());
    }

    /** Drops the library's HNSW index. */
    public static String dropVectorIndex(TableNames names) {
        return "DROP INDEX IF EXISTS " + names.qualify(names.vectorIndex());
    }

    /** Version 2 down: drop the indexes version 2 created. */
    public static List<String> indexesDown(TableNames names) {
        return List.of(
                dropVectorIndex(names),
                "DROP INDEX IF EXISTS " + names.qualify(names.metadataIndex()),
                "DROP INDEX IF EXISTS " + names.qualify(names.pendingIndex()),
                forgetVersion(names, 2));
    }

    /**
     * The quoted columns a downgrade's backup table holds (and a restore reads back): the id and the library's, and
     * the sparse values' columns when {@code withSparse} (the table had them).
     */
    public static List<String> backupColumns(TableNames names, boolean withSparse) {
        List<String> columns = new ArrayList<>();
        columns.add(names.id());
        names.libraryColumns().forEach(column -> columns.add(TableNames.column(column)));
        if (withSparse) {
            TableNames.SPARSE_COLUMNS.forEach(column -> columns.add(TableNames.column(column)));
        }
        return columns;
    }

    /**
     * The first step of a downgrade that keeps a backup: copy the id and the library's columns of every row holding an
     * embedding into the new table {@code backupTable} (same schema), the sparse values' columns too when the table
     * has them, so that every part of every record can be restored. A table still at version 2 keeps the metadata
     * under its earlier name: the backup holds it under the current one, so that a restore after the next upgrade
     * finds it. Which columns exist is decided when the script runs, as the printed script may run on any version.
     */
    public static String backup(TableNames names, String backupTable) {
        String backup = "CREATE TABLE " + names.qualify(backupTable) + " AS SELECT %s FROM " + names.qualified()
                + " WHERE " + TableNames.column(TableNames.EMBEDDING) + " IS NOT NULL";
        String current = String.join(", ", backupColumns(names, false));
        String legacy = current.replace(names.metadata(), TableNames.column(TableNames.LEGACY_METADATA) + " AS "
                + names.metadata());
        String sparse = ", " + String.join(", ", TableNames.SPARSE_COLUMNS.stream().map(TableNames::column).toList());
        String sparseExists = columnExists(TableNames.SPARSE_INDICES);
        return String.format(DO_START, Identifiers.literal(names.qualified())) + "BEGIN\n  IF target IS NULL THEN\n"
                + "    RETURN;\n  END IF;\n  IF " + columnExists(names.metadataColumn()) + " THEN\n"
                + "    IF " + sparseExists + " THEN\n      " + backup.formatted(current + sparse) + ";\n    ELSE\n      "
                + backup.formatted(current) + ";\n    END IF;\n  ELSE\n"
                + "    IF " + sparseExists + " THEN\n      " + backup.formatted(legacy + sparse) + ";\n    ELSE\n      "
                + backup.formatted(legacy) + ";\n    END IF;\n  END IF;\n" + DO_END;
    }

    /**
     * Version 1 down: drop the library's columns (or the table the library created), after refusing when
     * {@code refusePopulated} and rows hold embeddings (otherwise they were copied by {@link #backup} first, or the
     * caller confirmed they may go).
     */
    public static List<String> columnsDown(TableNames names, boolean refusePopulated) {
        StringBuilder sql = new StringBuilder(String.format(DO_START, Identifiers.literal(names.qualified())));
        sql.append("  populated bigint := 0;\nBEGIN\n  IF target IS NULL THEN\n    RETURN;\n  END IF;\n");
        if (refusePopulated) {
            sql.append("  IF ").append(columnExists(TableNames.EMBEDDING)).append(" THEN\n")
                    .append("    SELECT count(*) INTO populated FROM ").append(names.qualified()).append(" WHERE ")
                    .append(TableNames.column(TableNames.EMBEDDING)).append(" IS NOT NULL;\n  END IF;\n")
                    .append("  IF populated > 0 THEN\n")
                    .append("    RAISE EXCEPTION 'vectorstore: % row(s) of ").append(names.display())
                    .append(" hold embeddings, which this downgrade would drop', populated\n")
                    .append("      USING ERRCODE = 'object_in_use', HINT = 'Copy them to a backup table first, or drop")
                    .append(" them deliberately (schema downgrade --backup-table NAME or --drop-embeddings).';\n  END IF;\n");
        }
        sql.append("  IF coalesce(obj_description(target, 'pg_class'), '') LIKE ").append(Identifiers.literal(TableShape.MARKER + "%"))
                .append("\n     AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attnum > 0")
                .append(" AND NOT attisdropped\n       AND attname NOT IN (").append(Identifiers.literal(names.idColumn()));
        droppable(names).forEach(column -> sql.append(", ").append(Identifiers.literal(column)));
        sql.append("))\n  THEN\n    DROP TABLE ").append(names.qualified()).append(";\n    RETURN;\n  END IF;\n")
                .append("  IF to_regclass(").append(Identifiers.literal(names.qualify(names.keyIndex())))
                .append(") IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = to_regclass(")
                .append(Identifiers.literal(names.qualify(names.keyIndex()))).append(")) THEN\n")
                .append("    DROP INDEX ").append(names.qualify(names.keyIndex())).append(";\n  END IF;\n");
        for (String column : droppable(names)) {
            appendDropMarkedColumn(sql, names, column);
        }
        sql.append(DO_END);
        return List.of(sql.toString(), forgetVersion(names, 1));
    }

    // The library's columns, the sparse ones and the metadata column of versions 1 and 2 for a table still at those
    // versions: a downgrade drops each only when its comment marks it as the library's.
    private static Set<String> droppable(TableNames names) {
        Set<String> columns = new LinkedHashSet<>(names.libraryColumns());
        columns.addAll(TableNames.SPARSE_COLUMNS);
        columns.add(TableNames.LEGACY_METADATA);
        return columns;
    }

    private static void appendDropMarkedColumn(StringBuilder sql, TableNames names, String column) {
        sql.append("  IF coalesce(col_description(target, (SELECT attnum FROM pg_attribute WHERE attrelid = target")
                .append(" AND attname = ").append(Identifiers.literal(column)).append(" AND NOT attisdropped)), '') LIKE ")
                .append(Identifiers.literal(TableShape.MARKER + "%")).append(" THEN\n")
                .append("    ALTER TABLE ").append(names.qualified()).append(" DROP COLUMN ")
                .append(TableNames.column(column)).append(";\n  END IF;\n");
    }

    private static void appendIdCheck(StringBuilder sql, TableNames names) {
        sql.append("  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attname = ")
                .append(Identifiers.literal(names.idColumn()))
                .append(" AND NOT attisdropped AND atttypid IN (")
                .append(String.join(", ", IdType.sqlTypes().stream().map(type -> Identifiers.literal(type) + "::regtype").toList()))
                .append(")) THEN\n")
                .append("    RAISE EXCEPTION 'vectorstore: % has no text, uuid, bigint or integer column ").append(names.idColumn())
                .append(" to hold record ids', target\n      USING ERRCODE = 'undefined_column', HINT = 'Set PGVECTOR_ID_COLUMN")
                .append(" to the column holding your chunk ids.';\n  END IF;\n");
    }

    private static void appendAddColumn(StringBuilder sql, TableNames names, String column, VectorColumn vector) {
        String quoted = TableNames.column(column);
        sql.append("  IF NOT ").append(columnExists(column)).append(" THEN\n")
                .append("    ALTER TABLE ").append(names.qualified()).append(" ADD COLUMN ").append(quoted).append(' ')
                .append(columnDefinition(column, vector)).append(";\n")
                .append("    ").append(commentColumn(names, column)).append(";\n  END IF;\n");
    }

    private static String commentColumn(TableNames names, String column) {
        return "COMMENT ON COLUMN " + names.qualified() + "." + TableNames.column(column) + " IS "
                + Identifiers.literal(TableShape.MARKER + " added by schema upgrade; schema downgrade drops it");
    }

    // The application's table may already be unique on (namespace, id), e.g. through its own key; a second unique
    // index would only slow writes down.
    private static void appendKeyIndex(StringBuilder sql, TableNames names) {
        String key = "CREATE UNIQUE INDEX " + Identifiers.quote(names.keyIndex()) + " ON " + names.qualified() + " ("
                + TableNames.column(TableNames.NAMESPACE) + ", %s)";
        String sortedKey = names.idColumn().compareTo(TableNames.NAMESPACE) < 0
                ? Identifiers.literal(names.idColumn()) + ", " + Identifiers.literal(TableNames.NAMESPACE)
                : Identifiers.literal(TableNames.NAMESPACE) + ", " + Identifiers.literal(names.idColumn());
        sql.append("  IF NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = target AND i.indisunique AND i.indisvalid")
                .append(" AND i.indpred IS NULL AND i.indnkeyatts = 2\n")
                .append("      AND ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = target")
                .append(" AND a.attnum = ANY (i.indkey::int2[]) ORDER BY a.attname::text COLLATE \"C\") = ARRAY[").append(sortedKey)
                .append("]) THEN\n")
                .append(byIdType(names, key.formatted(names.idInByteOrder()), key.formatted(names.id())))
                .append("  END IF;\n");
    }

    // A statement for a text id column (its key in byte order), and another for uuid and integer ids, which take no
    // collation: chosen when the script runs, since the id column may be the application's.
    private static String byIdType(TableNames names, String forText, String forOthers) {
        return "  IF (SELECT atttypid FROM pg_attribute WHERE attrelid = target AND attname = "
                + Identifiers.literal(names.idColumn()) + " AND NOT attisdropped) IN ('text'::regtype, 'varchar'::regtype)"
                + " THEN\n    " + forText + ";\n  ELSE\n    " + forOthers + ";\n  END IF;\n";
    }

    private static String columnExists(String column) {
        return "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = target AND attname = " + Identifiers.literal(column)
                + " AND NOT attisdropped)";
    }

    // Everything the library adds is nullable or has a constant default, so existing rows stay valid (PostgreSQL 11+
    // adds such columns without rewriting the table) and the application's INSERTs keep working unchanged.
    static String columnDefinition(String column, VectorColumn vector) {
        return switch (column) {
            case TableNames.NAMESPACE -> "text NOT NULL DEFAULT ''";
            case TableNames.EMBEDDING -> vector.ddlType();
            case TableNames.EMBEDDING_MODEL -> "text";
            case TableNames.EMBEDDING_UPDATED_AT -> "timestamptz";
            case TableNames.SPARSE_INDICES -> "bigint[]";
            case TableNames.SPARSE_VALUES -> "real[]";
            default -> throw new IllegalArgumentException(column);
        };
    }

    static String recordVersion(TableNames names, int version) {
        return "INSERT INTO " + names.versionTable() + " (table_schema, table_name, version, description) VALUES ("
                + Identifiers.literal(names.schema()) + ", " + Identifiers.literal(names.table()) + ", " + version + ", "
                + Identifiers.literal(DESCRIPTIONS.get(version)) + ") ON CONFLICT DO NOTHING";
    }

    private static String forgetVersion(TableNames names, int version) {
        return "DELETE FROM " + names.versionTable() + " WHERE table_schema = " + Identifiers.literal(names.schema())
                + " AND table_name = " + Identifiers.literal(names.table()) + " AND version = " + version;
    }
}
