package io.amprenta.vectorstore.internal;

import io.amprenta.vectorstore.Query;

/**
 * The query a health check runs: the first unit vector, top-k 1, no metadata, so it is cheap on every backend and
 * exercises the same search path as real queries (the vector index on pgvector, the data plane on Pinecone).
 */
public final class Canary {

    private Canary() {
    }

    /** The canary query for a store of {@code dimension} dimensions. */
    public static Query query(int dimension) {
        float[] vector = new float[dimension];
        vector[0] = 1f;
        return Query.builder(vector).topK(1).includeMetadata(false).build();
    }
}
