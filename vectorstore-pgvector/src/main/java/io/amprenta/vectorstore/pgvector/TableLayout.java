package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import java.util.List;
import java.util.Optional;

/**
 * A table the store can work with, as established from its {@link TableShape} when the store starts: the
 * embedding column's type and dimension, whether new rows can be inserted, what deletes do, and whether a vector
 * index serves the configured metric. {@link #validate} refuses a table the store cannot use, with an error that
 * names what is wrong and how to fix it.
 *
 * @param names the table's names
 * @param idType the id column's type
 * @param vector the embedding column
 * @param libraryOwned whether the table holds only the library's columns (so deleting a record deletes its row)
 * @param requiredApplicationColumns application columns an INSERT cannot omit; when non-empty the store only
 *     updates existing rows
 * @param vectorIndex the name of the vector index serving the metric, if there is one
 * @param sparseValues whether the table has the sparse values' columns (schema version 4)
 * @param shards the shards, when the table is a parent over foreign partitions (ARCHITECTURE.md, "Shards")
 */
record TableLayout(TableNames names, IdType idType, VectorColumn vector, boolean libraryOwned,
                          List<String> requiredApplicationColumns, Optional<String> vectorIndex, boolean sparseValues,
                          Optional<ShardLayout> shards) {

    /** The oldest pgvector with iterative index scans, which filtered queries rely on. */
    public static final String MIN_EXTENSION_VERSION = "0.8.0";

    /**
     * The oldest pgvector without the HNSW bugs fixed in 0.8.3 and 0.8.4 (index damage during vacuum, parallel
     * index builds). Older servers still work, so this is a warning in {@code schema status} and {@code health},
     * not a refusal (ARCHITECTURE.md, "Error model").
     */
    public static final String RECOMMENDED_EXTENSION_VERSION = "0.8.4";

    /**
     * A warning when the pgvector code the server runs predates {@link #RECOMMENDED_EXTENSION_VERSION}, else empty.
     * The server runs the installed package's library whatever version {@code CREATE EXTENSION} recorded, so the
     * installed ({@code available}) version decides; the enabled one only when the package cannot be seen.
     */
    public static Optional<String> extensionWarning(String enabled, String available) {
        String running = available != null ? available : enabled;
        if (running == null || compareVersions(running, RECOMMENDED_EXTENSION_VERSION) >= 0) {
            return Optional.empty();
        }
        return Optional.of("pgvector " + running + " on the server predates the HNSW fixes of 0.8.3 and 0.8.4 (index"
                + " damage during vacuum, parallel index builds): upgrade the server's pgvector package to "
                + RECOMMENDED_EXTENSION_VERSION + " or later, then run ALTER EXTENSION vector UPDATE and REINDEX the"
                + " vector index. [docs/errors.md#vector-extension-too-old]");
    }

    private static final String UPGRADE = " Run `vectorstore schema upgrade` (SchemaManager.upgrade()), or apply the"
            + " SQL of `vectorstore schema sql` with your migration tool.";

    /** Copies the list. */
    public TableLayout {
        requiredApplicationColumns = List.copyOf(requiredApplicationColumns);
    }

    /** Whether records whose id has no row yet can be inserted. */
    public boolean canInsertRows() {
        return requiredApplicationColumns.isEmpty();
    }

    /** Whether deleting a record deletes its row under {@code mode} (else the library's columns are cleared). */
    public boolean deletesRows(PgVectorSettings.DeleteMode mode) {
        return switch (mode) {
            case ROW -> true;
            case EMBEDDING -> false;
            case AUTO -> libraryOwned;
        };
    }

    /**
     * Checks the shape against the settings.
     *
     * @throws ConfigurationException with {@link ErrorCode#VECTOR_EXTENSION_MISSING},
     *     {@link ErrorCode#VECTOR_EXTENSION_TOO_OLD}, {@link ErrorCode#TABLE_MISSING}, {@link ErrorCode#COLUMN_MISSING},
     *     {@link ErrorCode#COLUMN_NOT_VECTOR}, {@link ErrorCode#DIMENSION_MISMATCH}, {@link ErrorCode#SCHEMA_CONFLICT}
     *     or {@link ErrorCode#SCHEMA_OUTDATED}
     */
    public static TableLayout validate(TableShape shape, PgVectorSettings settings) {
        return validate(shape, settings, Optional.empty());
    }

    /**
     * Checks the shape against the settings; a sharded table's key and vector indexes live on its shards (a parent
     * over foreign partitions can have neither), so they are not required of the parent.
     */
    public static TableLayout validate(TableShape shape, PgVectorSettings settings, Optional<ShardLayout> shards) {
        TableNames names = TableNames.of(settings);
        checkExtension(shape);
        if (!shape.exists()) {
            throw new ConfigurationException(ErrorCode.TABLE_MISSING, "The table " + names.display() + " does not exist"
                    + " (PGVECTOR_SCHEMA/PGVECTOR_TABLE; names are case-sensitive)." + UPGRADE);
        }
        IdType idType = checkIdColumn(shape, settings, names);
        List<String> missing = shape.missingLibraryColumns(names);
        if (!missing.isEmpty()) {
            throw new ConfigurationException(ErrorCode.COLUMN_MISSING, "The table " + names.display()
                    + " lacks the column(s) " + String.join(", ", missing) + " that the library stores vectors in." + UPGRADE);
        }
        // The index that serves the metric decides how queries order, in whichever precision it was built.
        VectorColumn vector = shape.indexedAs(settings.metric(),
                vectorColumn(shape.column(TableNames.EMBEDDING).orElseThrow(), settings, names));
        requireType(shape, names, TableNames.NAMESPACE, "text");
        requireType(shape, names, settings.metadataColumn(), "jsonb");
        if (shape.keyIndex(settings.idColumn()).isEmpty() && shards.isEmpty()) {
            throw new ConfigurationException(ErrorCode.SCHEMA_OUTDATED, "The table " + names.display() + " has no unique"
                    + " index on (namespace, " + settings.idColumn() + "), which upserts need." + UPGRADE);
        }
        List<String> required = shape.requiredApplicationColumns(names);
        boolean libraryOwned = shape.applicationColumns(names).isEmpty();
        requireType(shape, names, TableNames.SPARSE_INDICES, "_int8");
        requireType(shape, names, TableNames.SPARSE_VALUES, "_float4");
        boolean sparseValues = TableNames.SPARSE_COLUMNS.stream().allMatch(column -> shape.column(column).isPresent());
        return new TableLayout(names, idType, vector, libraryOwned, required,
                shape.vectorIndex(settings.metric(), vector).map(TableShape.Index::name), sparseValues, shards);
    }

    static IdType checkIdColumn(TableShape shape, PgVectorSettings settings, TableNames names) {
        TableShape.Column id = shape.column(settings.idColumn()).orElseThrow(() -> new ConfigurationException(
                ErrorCode.COLUMN_MISSING, "The table " + names.display() + " has no id column '" + settings.idColumn()
                + "'. Set PGVECTOR_ID_COLUMN to the column that holds your chunk ids (text, uuid, bigint or integer)."));
        return IdType.of(id.typeName()).orElseThrow(() -> new ConfigurationException(ErrorCode.SCHEMA_CONFLICT,
                "The id column " + names.display() + "." + id.name() + " is of type " + id.type() + ", which cannot"
                + " hold record ids. Point PGVECTOR_ID_COLUMN at a text, uuid, bigint or integer column, or add one"
                + " (e.g. chunk_id text UNIQUE) and fill it from the current id."));
    }

    static void checkExtension(TableShape shape) {
        if (shape.extensionVersion() == null) {
            String fix = shape.availableExtensionVersion() == null
                    ? "pgvector is not installed on the PostgreSQL server: install it (the postgresql-NN-pgvector"
                            + " package, or build it from source; version " + MIN_EXTENSION_VERSION + " or later), then"
                            + " run `vectorstore schema upgrade`."
                    : "pgvector " + shape.availableExtensionVersion() + " is installed on the server but not enabled in"
                            + " this database: run `vectorstore schema upgrade`, or have a superuser run CREATE"
                            + " EXTENSION vector in it.";
            throw new ConfigurationException(ErrorCode.VECTOR_EXTENSION_MISSING,
                    "The 'vector' extension is not enabled in this database. " + fix);
        }
        if (compareVersions(shape.extensionVersion(), MIN_EXTENSION_VERSION) < 0) {
            boolean updatable = shape.availableExtensionVersion() != null
                    && compareVersions(shape.availableExtensionVersion(), MIN_EXTENSION_VERSION) >= 0;
            throw new ConfigurationException(ErrorCode.VECTOR_EXTENSION_TOO_OLD, "The 'vector' extension is version "
                    + shape.extensionVersion() + "; the library needs " + MIN_EXTENSION_VERSION + " or later (iterative"
                    + " index scans keep filtered queries from returning too few rows). " + (updatable
                    ? "Version " + shape.availableExtensionVersion() + " is installed on the server: run ALTER EXTENSION"
                            + " vector UPDATE as its owner or a superuser."
                    : "Upgrade the pgvector package on the server, then run ALTER EXTENSION vector UPDATE."));
        }
    }

    static VectorColumn vectorColumn(TableShape.Column column, PgVectorSettings settings, TableNames names) {
        VectorColumn.Type type = switch (column.typeName()) {
            case "vector" -> VectorColumn.Type.VECTOR;
            case "halfvec" -> VectorColumn.Type.HALFVEC;
            default -> throw new ConfigurationException(ErrorCode.COLUMN_NOT_VECTOR, "The column " + names.display()
                    + ".embedding is of type " + column.type() + ", not a pgvector vector. Convert it, e.g. ALTER TABLE "
                    + names.display() + " ALTER COLUMN embedding TYPE vector(" + (settings.dimension() > 0
                    ? settings.dimension() : "<dimension>") + ") USING embedding::real[]::vector (arrays and '[1,2,3]'"
                    + " text convert this way), or rename it and run `vectorstore schema upgrade` to add a new one.");
        };
        int dimension = column.typmod();
        if (dimension <= 0) {
            if (settings.dimension() == 0) {
                throw new ConfigurationException(ErrorCode.COLUMN_NOT_VECTOR, "The column " + names.display()
                        + ".embedding has no dimension (" + column.type() + "), so neither the store nor an HNSW index"
                        + " knows it. Constrain it, e.g. ALTER TABLE " + names.display() + " ALTER COLUMN embedding TYPE "
                        + type.sql() + "(384), or set PGVECTOR_DIMENSION.");
            }
            dimension = settings.dimension();
        }
        if (settings.dimension() != 0 && settings.dimension() != dimension) {
            throw new ConfigurationException(ErrorCode.DIMENSION_MISMATCH, "PGVECTOR_DIMENSION is " + settings.dimension()
                    + " but the column " + names.display() + ".embedding is " + column.type() + " (" + dimension
                    + " dimensions). Set PGVECTOR_DIMENSION to " + dimension + " (or leave it unset), or use a table"
                    + " made for " + settings.dimension() + "-dimensional embeddings (another PGVECTOR_TABLE).");
        }
        return new VectorColumn(type, dimension).withIndexPrecision(settings.indexPrecision());
    }

    static void requireType(TableShape shape, TableNames names, String columnName, String typeName) {
        TableShape.Column column = shape.column(columnName).orElse(null);
        if (column != null && !column.typeName().equals(typeName)) {
            throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, "The column " + names.display() + "." + columnName
                    + " is of type " + column.type() + " but the library stores " + typeName + " there. Rename the"
                    + " application's column, then run `vectorstore schema upgrade` to add the library's.");
        }
    }

    /** Compares dotted version strings numerically ({@code 0.10.0 > 0.8.1}); missing parts count as 0. */
    public static int compareVersions(String a, String b) {
        String[] left = a.split("[.-]");
        String[] right = b.split("[.-]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int difference = Integer.compare(number(left, i), number(right, i));
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }

    private static int number(String[] parts, int index) {
        if (index >= parts.length) {
            return 0;
        }
        String digits = parts[index].replaceAll("\\D.*", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }
}
