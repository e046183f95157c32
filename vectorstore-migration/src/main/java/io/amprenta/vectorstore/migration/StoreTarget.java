package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Any {@link VectorStore} as a migration target: the way back from pgvector to Pinecone (rolling back phase C of the
 * migration guide), or a copy between two Pinecone indexes. The progress tables live in a PostgreSQL database the
 * caller names with {@link Migration.Builder#progressDatabase}.
 *
 * <pre>{@code
 * Migration.builder(pgvectorStore, StoreTarget.of(pineconeStore))
 *         .progressDatabase(pgvectorDataSource).runId("back-to-pinecone").build().run();
 * }</pre>
 *
 * <p>The store's writes cannot share a transaction with the {@code done} marks, so a batch is written first and
 * marked after: a crash between the two makes a resumed run write that batch again. Upserts by id are idempotent,
 * so nothing is lost or duplicated, only written twice. Records are stored as they are; a store has no rows without
 * an embedding to list and maintains its own index, so this target offers none of the pgvector table's extras.
 */
public final class StoreTarget implements MigrationTarget {

    private final VectorStore store;

    private StoreTarget(VectorStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** {@code store} as the target. */
    public static StoreTarget of(VectorStore store) {
        return new StoreTarget(store);
    }

    @Override
    public String describe() {
        return store.backend() + " store " + store;
    }

    @Override
    public OptionalInt dimension() {
        return store.stats().dimension();
    }

    /** Upserts {@code records} into the store, outside the progress transaction (see the class comment). */
    @Override
    public Set<String> write(String namespace, List<VectorRecord> records) {
        store.inNamespace(namespace).upsert(records);
        return Set.of();
    }

    @Override
    public boolean keepsSparseValues() {
        return store.supportsSparseValues();
    }

    @Override
    public List<String> preflight() {
        StoreStats stats = store.stats();
        return List.of(describe() + ": " + stats.metric().configName() + ", dimension "
                + (stats.dimension().isPresent() ? String.valueOf(stats.dimension().getAsInt()) : "not fixed yet") + ", "
                + stats.totalCount() + " records", "progress kept in migration_progress of the progress database; a batch"
                + " is written, then marked done (a crash in between rewrites it on resume)");
    }
}
