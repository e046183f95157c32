package io.amprenta.vectorstore.migration;

import java.util.List;

/**
 * A target that holds rows of its own before the migration (an application table) and can list those that have no
 * embedding yet: the ids to copy when the source cannot list its ids ({@link IdSource#targetRowsWithoutEmbedding()},
 * e.g. a Pinecone pod index).
 */
public interface RowsWithoutEmbedding extends MigrationTarget {

    /** Up to {@code limit} ids of rows in {@code namespace} that have no embedding yet, in id order, after {@code afterId} (null to start). */
    List<String> idsWithoutEmbedding(String namespace, String afterId, int limit);

    /** How many rows of {@code namespace} have no embedding yet; read-only, for a dry run's plan. */
    long countWithoutEmbedding(String namespace);
}
