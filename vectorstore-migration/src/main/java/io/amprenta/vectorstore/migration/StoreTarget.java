package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Any {@link VectorStore} as a migration target, with the progress tables in a PostgreSQL database of the caller's:
 * the way back from pgvector to Pinecone (rolling back phase C of the migration guide), or a copy between two
 * Pinecone indexes.
 *
 * <pre>{@code
 * MigrationTarget back = StoreTarget.of(pineconeStore, pgvectorDataSource);
 * Migration.builder(pgvectorStore, back).runId("back-to-pinecone").build().run();
 * }</pre>
 *
 * <p>The store's writes cannot share a transaction with the {@code done} marks, so a batch is written first and
 * marked after: a crash between the two makes a resumed run write that batch again. Upserts by id are idempotent,
 * so nothing is lost or duplicated, only written twice. The pgvector-only write options (an embedding model,
 * leaving metadata alone, reporting missing rows) and id source ({@code target-rows}) are refused.
 */
public final class StoreTarget implements MigrationTarget {

    private final VectorStore store;
    private final DataSource progressDatabase;

    private StoreTarget(VectorStore store, DataSource progressDatabase) {
        this.store = Objects.requireNonNull(store, "store");
        this.progressDatabase = Objects.requireNonNull(progressDatabase, "progressDatabase");
    }

    /** {@code store} as the target, keeping {@code migration_progress} in {@code progressDatabase}. */
    public static StoreTarget of(VectorStore store, DataSource progressDatabase) {
        return new StoreTarget(store, progressDatabase);
    }

    @Override
    public String describe() {
        return store.backend() + " store " + store;
    }

    @Override
    public DataSource dataSource() {
        return progressDatabase;
    }

    @Override
    public OptionalInt dimension() {
        return store.stats().dimension();
    }

    /** Upserts {@code records} into the store, outside {@code connection}'s transaction (see the class comment). */
    @Override
    public Set<String> write(Connection connection, String namespace, List<VectorRecord> records, PgWriteOptions options) {
        if (options.embeddingModel() != null || !options.writeMetadata() || !options.insertMissingRows()) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, "An embedding model, leaving metadata alone and"
                    + " reporting missing rows (--embedding-model, EMBEDDING_MODEL, --no-metadata, --missing-rows report) apply to"
                    + " a pgvector target only; " + describe() + " stores records as they are. Leave them out.");
        }
        store.inNamespace(namespace).upsert(records);
        return Set.of();
    }

    @Override
    public List<String> idsWithoutEmbedding(String namespace, String afterId, int limit) {
        throw notATable();
    }

    @Override
    public long countWithoutEmbedding(String namespace) {
        throw notATable();
    }

    private ConfigurationException notATable() {
        return new ConfigurationException(ErrorCode.INVALID_SETTING, "--id-source target-rows takes ids from a pgvector"
                + " table's rows without an embedding; " + describe() + " has no such rows. Use the source's listing or"
                + " an id file.");
    }

    @Override
    public List<String> preflight() {
        StoreStats stats = store.stats();
        return List.of(describe() + ": " + stats.metric().configName() + ", dimension "
                + (stats.dimension().isPresent() ? String.valueOf(stats.dimension().getAsInt()) : "not fixed yet") + ", "
                + stats.totalCount() + " records", "progress kept in migration_progress of the progress database; a batch"
                + " is written, then marked done (a crash in between rewrites it on resume)");
    }

    /** Nothing to drop: the store maintains its own index. */
    @Override
    public void dropVectorIndex() {
    }

    /** Nothing to build: the store maintains its own index. */
    @Override
    public void buildVectorIndex() {
    }

    /** Nothing to analyze. */
    @Override
    public void analyze() {
    }
}
