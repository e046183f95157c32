package io.amprenta.vectorstore.pgvector;

import java.util.List;

/**
 * The quoted SQL names of one configured table, its columns and the objects the library creates for it. The
 * library's own columns have fixed names, except the metadata column, which is configurable because an
 * application's table often has a {@code metadata} column of its own; the schema, table, id and metadata columns
 * come from validated settings.
 *
 * @param schema the schema, unquoted
 * @param table the table, unquoted
 * @param idColumn the id column, unquoted
 * @param metadataColumn the library's metadata column, unquoted
 */
record TableNames(String schema, String table, String idColumn, String metadataColumn) {

    /** The namespace column: together with the id column, the store's key. */
    public static final String NAMESPACE = "namespace";
    /** The vector column; NULL on rows that have no embedding yet. */
    public static final String EMBEDDING = "embedding";
    /** The embedding model that produced the vector. */
    public static final String EMBEDDING_MODEL = "embedding_model";
    /**
     * Where schema versions 1 and 2 kept the record's metadata. Version 3 renames the column when the library added
     * it, and leaves it alone when it is the application's (ARCHITECTURE.md, "The application's table").
     */
    public static final String LEGACY_METADATA = "metadata";
    /** When the library last wrote the vector. */
    public static final String EMBEDDING_UPDATED_AT = "embedding_updated_at";
    /**
     * The sparse values' indices, as {@code bigint[]}: Pinecone's indices reach 4,294,967,295, beyond pgvector's
     * {@code sparsevec} (ARCHITECTURE.md, "Sparse values").
     */
    public static final String SPARSE_INDICES = "embedding_sparse_indices";
    /** The sparse values' values, as {@code real[]}, in the order of {@link #SPARSE_INDICES}. */
    public static final String SPARSE_VALUES = "embedding_sparse_values";
    /** The optional columns schema version 4 adds; a table without them refuses sparse values. */
    public static final List<String> SPARSE_COLUMNS = List.of(SPARSE_INDICES, SPARSE_VALUES);
    /** The library's columns whose names are fixed, in table order: the columns schema version 1 adds. */
    public static final List<String> FIXED_COLUMNS = List.of(NAMESPACE, EMBEDDING, EMBEDDING_MODEL, EMBEDDING_UPDATED_AT);
    /**
     * The table that remembers, between a migration's start and its end (across processes and crashes), the
     * definitions of the vector indexes {@code --defer-index} dropped, so they are rebuilt as they were.
     */
    public static final String DEFERRED_INDEX_TABLE = "vectorstore_deferred_index";
    /** The table that records applied schema versions, one per schema. */
    public static final String VERSION_TABLE = "vectorstore_schema_version";
    /** The table that holds the search settings calibrated for each table, one per schema, next to the version table. */
    public static final String CALIBRATION_TABLE = "vectorstore_search_calibration";

    /** The names for {@code settings}. */
    public static TableNames of(PgVectorSettings settings) {
        return new TableNames(settings.schema(), settings.table(), settings.idColumn(), settings.metadataColumn());
    }

    /** The library's columns besides the id: the fixed ones and the metadata column. */
    public List<String> libraryColumns() {
        return List.of(NAMESPACE, EMBEDDING, EMBEDDING_MODEL, metadataColumn, EMBEDDING_UPDATED_AT);
    }

    /** The quoted metadata column. */
    public String metadata() {
        return Identifiers.quote(metadataColumn);
    }

    /** {@code "schema"."table"}. */
    public String qualified() {
        return qualify(table);
    }

    /** A quoted name in the table's schema. */
    public String qualify(String name) {
        return Identifiers.quote(schema) + "." + Identifiers.quote(name);
    }

    /** {@code schema.table} unquoted, for messages. */
    public String display() {
        return schema + "." + table;
    }

    /** The quoted id column. */
    public String id() {
        return Identifiers.quote(idColumn);
    }

    /** The id column in byte order, the order of listings and of the key index. */
    public String idInByteOrder() {
        return id() + " COLLATE \"C\"";
    }

    /** A quoted library column. */
    public static String column(String name) {
        return Identifiers.quote(name);
    }

    /** The unique index (or primary key) on (namespace, id). */
    public String keyIndex() {
        return Identifiers.derived(table, "vs_key");
    }

    /** The HNSW index. */
    public String vectorIndex() {
        return Identifiers.derived(table, "embedding_hnsw");
    }

    /** The GIN index on metadata. */
    public String metadataIndex() {
        return Identifiers.derived(table, "metadata_gin");
    }

    /** The GIN index on the sparse values' indices, which finds the rows a hybrid query's sparse vector overlaps. */
    public String sparseIndex() {
        return Identifiers.derived(table, "sparse_gin");
    }

    /** The partial index of rows that still lack an embedding. */
    public String pendingIndex() {
        return Identifiers.derived(table, "vs_pending");
    }

    /** The deferred index table, quoted and qualified. */
    public String deferredIndexTable() {
        return qualify(DEFERRED_INDEX_TABLE);
    }

    /** The schema version table, quoted and qualified. */
    public String versionTable() {
        return qualify(VERSION_TABLE);
    }

    /** The calibration table, quoted and qualified. */
    public String calibrationTable() {
        return qualify(CALIBRATION_TABLE);
    }
}
