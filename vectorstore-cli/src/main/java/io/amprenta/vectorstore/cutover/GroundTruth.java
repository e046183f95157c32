package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import java.util.List;
import java.util.Objects;

/**
 * The exact answer to a query, which recall is measured against: brute force over every matching record, never an
 * approximate index.
 */
@FunctionalInterface
public interface GroundTruth {

    /** The exact top-k of {@code query}, best first. */
    List<Match> exactTopK(Query query);

    /**
     * Exact search in the PostgreSQL table of {@code store} (a pgvector store), in the store's namespace: a full scan
     * per query, so on a large table each query takes as long as reading the namespace.
     *
     * @throws io.amprenta.vectorstore.InvalidRequestException when {@code store} is not a pgvector store
     */
    static GroundTruth pgvector(VectorStore store) {
        PgVectorTable table = store.unwrap(PgVectorTable.class);
        String namespace = store.namespace();
        return query -> table.exactSearch(namespace, query);
    }

    /** The answers of a store whose search is exact already, such as the {@code memory} backend. */
    static GroundTruth exactStore(VectorStore store) {
        Objects.requireNonNull(store, "store");
        return store::query;
    }
}
