package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.DistanceMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the catalog says about one table, read in one go by {@link Catalog}: the pgvector extension, the table,
 * its columns and indexes, and the schema version recorded for it. Plain facts; {@link TableLayout} decides what
 * they mean for the store, {@code SchemaManager} reports them.
 *
 * @param extensionVersion the installed {@code vector} extension's version, or null when it is not installed
 * @param availableExtensionVersion the version the server could install, or null when pgvector is not on the server
 * @param exists whether the table exists
 * @param createdByLibrary whether {@code schema upgrade} created the table (its comment says so)
 * @param columns the table's columns in order
 * @param indexes the table's indexes
 * @param schemaVersion the highest schema version recorded for the table, 0 when none
 */
record TableShape(String extensionVersion, String availableExtensionVersion, boolean exists,
                         boolean createdByLibrary, List<Column> columns, List<Index> indexes, int schemaVersion) {

    /** Comments starting with this mark the table and the columns that {@code schema upgrade} created. */
    public static final String MARKER = "vectorstore:";

    /** Copies the lists. */
    public TableShape {
        columns = List.copyOf(columns);
        indexes = List.copyOf(indexes);
    }

    /**
     * One column.
     *
     * @param name the column's name
     * @param type the type as {@code format_type} writes it, e.g. {@code vector(384)}
     * @param typeName the base type's name, e.g. {@code vector}
     * @param typmod the type modifier: for pgvector types the dimension, -1 when unconstrained
     * @param notNull whether the column is NOT NULL
     * @param hasDefault whether it has a default, an identity or is generated (an INSERT may leave it out)
     * @param ownedByLibrary whether {@code schema upgrade} added it
     */
    record Column(String name, String type, String typeName, int typmod, boolean notNull, boolean hasDefault,
                         boolean ownedByLibrary) {
    }

    /**
     * One index.
     *
     * @param name the index's name
     * @param method the access method: {@code btree}, {@code hnsw}, {@code gin}, ...
     * @param unique whether it is unique
     * @param valid whether it is usable (a failed CREATE INDEX CONCURRENTLY leaves an invalid one)
     * @param partial whether it has a WHERE clause
     * @param columns the key columns in order; an empty string stands for an expression
     * @param operatorClasses the operator class of each key column
     * @param options the storage options, e.g. {@code m=16}
     * @param definition the index's definition as {@code pg_get_indexdef} writes it
     */
    record Index(String name, String method, boolean unique, boolean valid, boolean partial, List<String> columns,
                        List<String> operatorClasses, List<String> options, String definition) {

        /** Copies the lists. */
        public Index {
            columns = List.copyOf(columns);
            operatorClasses = List.copyOf(operatorClasses);
            options = List.copyOf(options);
        }
    }

    /** The column named {@code name}. */
    public Optional<Column> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    /** The index named {@code name}. */
    public Optional<Index> index(String name) {
        return indexes.stream().filter(index -> index.name().equals(name)).findFirst();
    }

    /**
     * A valid, unique, non-partial index whose key is exactly (namespace, id) in any order: what
     * {@code ON CONFLICT (namespace, id)} needs.
     */
    public Optional<Index> keyIndex(String idColumn) {
        Set<String> wanted = new TreeSet<>(List.of(TableNames.NAMESPACE, idColumn));
        return indexes.stream()
                .filter(index -> index.unique() && index.valid() && !index.partial())
                .filter(index -> index.columns().size() == 2 && new TreeSet<>(index.columns()).equals(wanted))
                .findFirst();
    }

    /**
     * A valid vector index (HNSW, or an IVFFlat the application built) that queries for {@code metric} over
     * {@code vector} can use: same operator class, on the column or, for a half-precision index, on its halfvec cast.
     */
    public Optional<Index> vectorIndex(DistanceMetric metric, VectorColumn vector) {
        return servingIndexes(metric, vector).stream().filter(index -> servesAs(index, metric, vector)).findFirst();
    }

    /**
     * Every index that serves {@code metric} over the embedding column, in either precision (on the column, or on its
     * halfvec cast), whatever its name: the application's own and the library's alike (ARCHITECTURE.md, "The
     * application's table": indexes are adopted by definition, not by name). Those of {@code vector}'s precision
     * come first.
     */
    public List<Index> servingIndexes(DistanceMetric metric, VectorColumn vector) {
        List<VectorColumn> precisions = vector.type() == VectorColumn.Type.VECTOR
                ? List.of(vector, new VectorColumn(vector.type(), vector.dimension(), !vector.halfIndex()))
                : List.of(vector);
        List<Index> serving = new ArrayList<>();
        for (VectorColumn precision : precisions) {
            vectorIndexes().stream().filter(index -> servesAs(index, metric, precision)).forEach(serving::add);
        }
        return serving;
    }

    /**
     * {@code preferred}, with the precision of the index that already serves {@code metric} when there is one: an
     * existing index of either precision is used and kept (never a second one beside it), whatever
     * {@link PgVectorSettings#INDEX_PRECISION} says; changing it is {@code schema upgrade --reindex}.
     */
    public VectorColumn indexedAs(DistanceMetric metric, VectorColumn preferred) {
        return servingIndexes(metric, preferred).stream().findFirst()
                .map(index -> new VectorColumn(preferred.type(), preferred.dimension(),
                        preferred.type() == VectorColumn.Type.VECTOR && index.columns().get(0).isEmpty()))
                .orElse(preferred);
    }

    private static boolean servesAs(Index index, DistanceMetric metric, VectorColumn vector) {
        return index.valid() && !index.partial() && index.operatorClasses().size() == 1
                && index.operatorClasses().get(0).equals(vector.operatorClass(metric))
                && (vector.indexesHalfvecExpression()
                        ? index.columns().get(0).isEmpty() && index.definition().contains(TableNames.EMBEDDING)
                        : index.columns().get(0).equals(TableNames.EMBEDDING));
    }

    /** Every HNSW or IVFFlat index of the table, usable or not. */
    public List<Index> vectorIndexes() {
        return indexes.stream().filter(index -> index.method().equals("hnsw") || index.method().equals("ivfflat")).toList();
    }

    /**
     * Application columns an INSERT cannot leave out (NOT NULL, no default, not the library's): when there are
     * any, the library can add embeddings to existing rows but cannot insert new ones.
     */
    public List<String> requiredApplicationColumns(TableNames names) {
        List<String> required = new ArrayList<>();
        for (Column column : columns) {
            if (column.notNull() && !column.hasDefault() && !isLibraryColumn(column.name(), names)) {
                required.add(column.name());
            }
        }
        return required;
    }

    /** Columns other than the id and the library's: the application's data. */
    public List<String> applicationColumns(TableNames names) {
        return columns.stream().map(Column::name).filter(name -> !isLibraryColumn(name, names)).toList();
    }

    /** The library's columns that are missing. */
    public List<String> missingLibraryColumns(TableNames names) {
        return names.libraryColumns().stream().filter(name -> column(name).isEmpty()).toList();
    }

    private static boolean isLibraryColumn(String name, TableNames names) {
        return name.equals(names.idColumn()) || names.libraryColumns().contains(name)
                || TableNames.SPARSE_COLUMNS.contains(name);
    }
}
