package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.VectorRecord;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where a migration writes. Every target describes itself, checks that it can be written, and writes batches; what
 * only some targets can do is a separate interface the migrator looks for: {@link TransactionalTarget} (a batch
 * commits together with its progress marks), {@link IndexedTarget} (a vector index that can be built once after the
 * load, and statistics to refresh) and {@link RowsWithoutEmbedding} (ids taken from the target's own rows).
 * {@link PgVectorTarget} is all three; {@link StoreTarget}, any {@code VectorStore}, is none of them.
 */
public interface MigrationTarget {

    /** What is written to, for messages, e.g. {@code pgvector table public.rag_chunks}. */
    String describe();

    /** The target's vector dimension, when fixed. */
    OptionalInt dimension();

    /** Read-only checks that the target can be written; throws a {@code ConfigurationException} naming the fix. */
    List<String> preflight();

    /**
     * Whether the target keeps records' sparse values. When not, the migrator refuses to start on a source that holds
     * any, since every such record would fail (ARCHITECTURE.md, "Sparse values").
     */
    boolean keepsSparseValues();

    /**
     * Writes {@code records} to {@code namespace}; they are durable when this returns.
     *
     * @return the ids that were not written because the target keeps rows it does not create and has none for them
     *     (reported as failed); empty otherwise
     * @throws io.amprenta.vectorstore.InvalidRequestException when a record breaks a limit
     *     ({@link io.amprenta.vectorstore.spi.Limits#checkRecord}); nothing is written, and the migrator splits the batch
     *     to find the record
     */
    Set<String> write(String namespace, List<VectorRecord> records);
}
