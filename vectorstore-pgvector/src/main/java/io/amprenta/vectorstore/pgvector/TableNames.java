package io.amprenta.vectorstore.pgvector;

import java.util.List;

/**
 * The quoted SQL names of one configured table, its columns and the objects the library creates for it. The
 * library's own columns have fixed names; the schema, table and id column come from validated settings.
 *
 * @param schema the schema, unquoted
 * @param table the table, unquoted
 * @param idColumn the id column, unquoted
 */
record TableNames(String schema, String table, String idColumn) {

    /** The namespace column: together with the id column, the store's key. */
    public static final String NAMESPACE = "namespace";
    /** The vector column; NULL on rows that have no embedding yet. */
    public static final String EMBEDDING = "embedding";
    /** The embedding model that produced the vector. */
    public static final String EMBEDDING_MODEL = "embedding_model";
    /** The record's metadata, a JSON object. */
    public static final String METADATA = "metadata";
    /** When the library last wrote the vector. */
    public static final String EMBEDDING_UPDATED_AT = "embedding_updated_at";
    /** The library's columns besides the id, in table order. */
    public static final List<String> LIBRARY_COLUMNS = List.of(NAMESPACE, EMBEDDING, EMBEDDING_MODEL, METADATA,
            EMBEDDING_UPDATED_AT);
    /** The table that records applied schema versions, one per schema. */
    public static final String VERSION_TABLE = "vectorstore_schema_version";
    /** The table that holds the search settings calibrated for each table, one per schema, next to the version table. */
    public static final String CALIBRATION_TABLE = "vectorstore_search_calibration";

    /** The names for {@code settings}. */
    public static TableNames of(PgVectorSettings settings) {
        return new TableNames(settings.schema(), settings.table(), settings.idColumn());
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

    /** The partial index of rows that still lack an embedding. */
    public String pendingIndex() {
        return Identifiers.derived(table, "vs_pending");
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
