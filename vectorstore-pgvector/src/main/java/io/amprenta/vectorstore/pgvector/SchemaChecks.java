package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * What is checked before a schema change touches anything, so that a change that cannot work stops with an
 * actionable error instead of half-way through a script, and how changes are described afterwards.
 */
final class SchemaChecks {

    private SchemaChecks() {
    }

    /**
     * Checks that an upgrade can proceed on a table of shape {@code shape}, and returns the embedding column it
     * will have: the existing one (a vector or halfvec column the application already has is kept), or a new
     * {@code vector} of the configured dimension, with the index precision the settings ask for (callers adopt an
     * existing index's with {@link TableShape#indexedAs}).
     *
     * @throws ConfigurationException also when {@link PgVectorSettings#INDEX_PRECISION} is {@code full} above 2,000
     *     dimensions
     */
    public static VectorColumn forUpgrade(TableShape shape, PgVectorSettings settings) {
        TableNames names = TableNames.of(settings);
        if (shape.extensionVersion() != null) {
            TableLayout.checkExtension(shape);
        } else if (shape.availableExtensionVersion() == null) {
            throw new ConfigurationException(ErrorCode.VECTOR_EXTENSION_MISSING, "The PostgreSQL server has no pgvector"
                    + " extension to enable. Install pgvector " + TableLayout.MIN_EXTENSION_VERSION + " or later on the"
                    + " server (the postgresql-NN-pgvector package, or build it from source), then run the upgrade again.");
        } else if (TableLayout.compareVersions(shape.availableExtensionVersion(), TableLayout.MIN_EXTENSION_VERSION) < 0) {
            throw new ConfigurationException(ErrorCode.VECTOR_EXTENSION_TOO_OLD, "The PostgreSQL server offers pgvector "
                    + shape.availableExtensionVersion() + "; the library needs " + TableLayout.MIN_EXTENSION_VERSION
                    + " or later. Upgrade the pgvector package on the server, then run the upgrade again.");
        }
        checkVersion(shape, names);
        if (!shape.exists()) {
            return new VectorColumn(VectorColumn.Type.VECTOR, requireDimension(settings))
                    .withIndexPrecision(settings.indexPrecision());
        }
        TableLayout.checkIdColumn(shape, settings, names);
        TableLayout.requireType(shape, names, TableNames.NAMESPACE, "text");
        TableLayout.requireType(shape, names, settings.metadataColumn(), "jsonb");
        TableLayout.requireType(shape, names, TableNames.EMBEDDING_MODEL, "text");
        TableLayout.requireType(shape, names, TableNames.EMBEDDING_UPDATED_AT, "timestamptz");
        return shape.column(TableNames.EMBEDDING)
                .map(column -> TableLayout.vectorColumn(column, settings, names))
                .orElseGet(() -> new VectorColumn(VectorColumn.Type.VECTOR, requireDimension(settings))
                        .withIndexPrecision(settings.indexPrecision()));
    }

    /** Refuses to work on a schema recorded by a newer library, whose steps this one does not know. */
    public static void checkVersion(TableShape shape, TableNames names) {
        if (shape.schemaVersion() > SchemaScripts.LATEST_VERSION) {
            throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, "The schema of " + names.display() + " is at"
                    + " version " + shape.schemaVersion() + ", recorded by a newer vectorstore; this one knows versions up to "
                    + SchemaScripts.LATEST_VERSION + ". Use the newer vectorstore for schema changes.");
        }
    }

    private static int requireDimension(PgVectorSettings settings) {
        if (settings.dimension() == 0) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, PgVectorSettings.DIMENSION + " is not set."
                    + " Set it to the dimension of your embeddings (e.g. 384 for all-MiniLM-L6-v2, 1536 for"
                    + " text-embedding-3-small) so that the embedding column can be created.");
        }
        return settings.dimension();
    }

    /** What differs between two shapes of one table, one line per change, for reports. */
    public static List<String> changes(TableShape before, TableShape after, TableNames names) {
        List<String> changes = new ArrayList<>();
        if (before.extensionVersion() == null && after.extensionVersion() != null) {
            changes.add("enabled the vector extension, version " + after.extensionVersion());
        }
        if (before.exists() != after.exists()) {
            changes.add((after.exists() ? "created table " : "dropped table ") + names.display());
        }
        if (before.exists() && after.exists()) {
            after.columns().stream().filter(column -> before.column(column.name()).isEmpty())
                    .forEach(column -> changes.add("added column " + column.name() + " " + column.type()));
            before.columns().stream().filter(column -> after.column(column.name()).isEmpty())
                    .forEach(column -> changes.add("dropped column " + column.name()));
        }
        after.indexes().stream().filter(index -> before.index(index.name()).isEmpty())
                .forEach(index -> changes.add("created index " + index.definition()));
        if (after.exists()) {
            before.indexes().stream().filter(index -> after.index(index.name()).isEmpty())
                    .forEach(index -> changes.add("dropped index " + index.name()));
        }
        if (before.schemaVersion() != after.schemaVersion()) {
            changes.add("schema version " + before.schemaVersion() + " -> " + after.schemaVersion());
        }
        return changes;
    }
}
