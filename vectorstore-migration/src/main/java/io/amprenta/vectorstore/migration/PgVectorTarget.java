package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.SchemaStatus;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The pgvector table as a migration target: batches are written on the migrator's connection, in the same
 * transaction as their progress marks ({@link PgVectorTable#write}); the vector index can be deferred; and the
 * table's rows without an embedding can be the ids to copy.
 *
 * <pre>{@code
 * MigrationTarget target = PgVectorTarget.of(pgvectorStore);            // a store from VectorStores.get()
 * MigrationTarget target = PgVectorTarget.of(PgVectorTable.open(dataSource, settings))
 *         .withWriteOptions(PgWriteOptions.existingRowsOnly("minilm"));  // what is written besides the embedding
 * }</pre>
 */
public final class PgVectorTarget implements TransactionalTarget, IndexedTarget, RowsWithoutEmbedding {

    // Serializes the index build when several migrating processes finish at once.
    private static final long INDEX_BUILD_LOCK = 0x7665_6374_6f72_4958L;

    private final PgVectorTable table;
    private final IndexBuildOptions indexBuild;
    private final PgWriteOptions writeOptions;

    private PgVectorTarget(PgVectorTable table, IndexBuildOptions indexBuild, PgWriteOptions writeOptions) {
        this.table = Objects.requireNonNull(table, "table");
        this.indexBuild = Objects.requireNonNull(indexBuild, "indexBuild");
        this.writeOptions = Objects.requireNonNull(writeOptions, "writeOptions");
    }

    /** The table behind a pgvector store. */
    public static PgVectorTarget of(VectorStore pgvectorStore) {
        return of(pgvectorStore.unwrap(PgVectorTable.class));
    }

    /**
     * {@code table}, upserting records with their metadata and no embedding model
     * ({@code PgWriteOptions.upsert(null)}), and building a deferred index with the settings' build options ({@code PgVectorSettings.indexBuild()}).
     */
    public static PgVectorTarget of(PgVectorTable table) {
        return new PgVectorTarget(table, table.settings().indexBuild(), PgWriteOptions.upsert(null));
    }

    /** The same target building a deferred index with {@code options} (memory, parallel workers). */
    public PgVectorTarget withIndexBuild(IndexBuildOptions options) {
        return new PgVectorTarget(table, options, writeOptions);
    }

    /**
     * The same target writing with {@code options}: the embedding model, whether metadata is written, and whether ids
     * without a row are inserted or reported as failed.
     */
    public PgVectorTarget withWriteOptions(PgWriteOptions options) {
        return new PgVectorTarget(table, indexBuild, options);
    }

    @Override
    public String describe() {
        return "pgvector table " + table.settings().qualifiedTable();
    }

    @Override
    public DataSource database() {
        return table.dataSource();
    }

    @Override
    public OptionalInt dimension() {
        return OptionalInt.of(table.dimension());
    }

    @Override
    public Set<String> write(Connection connection, String namespace, List<VectorRecord> records) {
        return table.write(connection, namespace, records, writeOptions);
    }

    /**
     * Keeps every row written since {@code readFromSourceAt} (its {@code embedding_updated_at} is that late or later)
     * and writes the other records: a dual write that reached the table after the source was read is newer than the
     * copy (ARCHITECTURE.md, "The backfill race").
     */
    @Override
    public Set<String> write(Connection connection, String namespace, List<VectorRecord> records, Instant readFromSourceAt) {
        return table.write(connection, namespace, records, writeOptions.replacingOnlyRowsWrittenBefore(readFromSourceAt));
    }

    /** Writes {@code records} in a transaction of their own. */
    @Override
    public Set<String> write(String namespace, List<VectorRecord> records) {
        try (Connection connection = table.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                Set<String> missing = write(connection, namespace, records);
                connection.commit();
                return missing;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "Writing to " + describe(), null);
        }
    }

    @Override
    public List<String> idsWithoutEmbedding(String namespace, String afterId, int limit) {
        return table.pendingIdsAfter(namespace, afterId, limit);
    }

    @Override
    public long countWithoutEmbedding(String namespace) {
        return table.countPendingRows(namespace);
    }

    /**
     * Reads the schema status (no writes) and refuses when a store could not use the table; otherwise
     * returns what it found, for the plan.
     */
    @Override
    public List<String> preflight() {
        SchemaStatus status = SchemaManager.create(table.dataSource(), table.settings()).status();
        if (!status.tableExists() || status.extensionVersion().isEmpty() || status.schemaVersion() == 0) {
            throw new ConfigurationException(ErrorCode.SCHEMA_OUTDATED, describe() + " is not prepared: "
                    + String.join("; ", status.problems().isEmpty() ? List.of("schema version 0") : status.problems())
                    + ". Run `vectorstore schema upgrade` first.");
        }
        List<String> checks = new ArrayList<>();
        checks.add("vector extension " + status.extensionVersion().get());
        checks.add(status.table() + (status.createdByLibrary() ? " (created by vectorstore)" : " (application table)")
                + ", schema version " + status.schemaVersion() + " of " + status.latestVersion());
        checks.add("embedding dimension " + table.dimension());
        checks.add(status.vectorIndex().map(index -> "vector index " + index.name())
                .orElse("no vector index: queries scan the table until it is built"));
        checks.add(status.embeddedRows() + " rows with an embedding, " + status.pendingRows() + " without");
        status.problems().forEach(problem -> checks.add("warning: " + problem));
        return checks;
    }

    @Override
    public boolean keepsSparseValues() {
        return table.supportsSparseValues();
    }

    @Override
    public void dropVectorIndex() {
        table.dropVectorIndex();
    }

    @Override
    public void buildVectorIndex() {
        try (Connection connection = table.dataSource().getConnection()) {
            advisoryLock(connection, "SELECT pg_advisory_lock(?)");
            try {
                table.buildVectorIndex(indexBuild);
            } finally {
                advisoryLock(connection, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "While building the vector index, PostgreSQL", null);
        }
    }

    @Override
    public void analyze() {
        table.analyze();
    }

    @Override
    public IndexState indexState() {
        SchemaStatus status = SchemaManager.create(table.dataSource(), table.settings()).status();
        int efConstruction = status.vectorIndex().flatMap(index -> index.options().stream()
                        .filter(option -> option.startsWith("ef_construction=")).findFirst())
                .map(option -> Integer.parseInt(option.substring("ef_construction=".length())))
                .orElse(table.settings().hnswEfConstruction());
        return new IndexState(status.vectorIndex().map(SchemaStatus.Index::name), status.deferredIndexes(),
                status.embeddedRows(), table.dimension(), efConstruction);
    }

    // Each statement runs in a transaction of its own, so every call reads fresh statistics rather than the snapshot
    // PostgreSQL keeps for the length of a transaction.
    @Override
    public long indexScans(String index) {
        try (Connection connection = table.dataSource().getConnection()) {
            return Jdbc.first(connection, Jdbc.Statement.of("SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes"
                    + " WHERE relid = to_regclass(format('%I.%I', ?, ?)) AND indexrelname = ?", table.settings().schema(),
                    table.settings().table(), index),
                    row -> row.getLong(1)).orElse(0L);
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "While reading the statistics of the index " + index + ", PostgreSQL", null);
        }
    }

    private static void advisoryLock(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, Jdbc.Statement.of(sql, INDEX_BUILD_LOCK));
    }
}
