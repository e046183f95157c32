package io.amprenta.vectorstore.testkit.conformance;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import java.util.List;

/**
 * What every contract needs from the backend under test: fresh, empty stores. Implemented by
 * {@link VectorStoreConformanceKit}, which closes the stores after each test.
 */
public interface StoreFixture {

    /** The dimension most contracts use: small, so that failures are readable. */
    int DIMENSION = 8;

    /** A new, empty store of {@code dimension} and {@code metric} in the default namespace. */
    VectorStore newStore(int dimension, DistanceMetric metric);

    /** A new, empty cosine store of {@link #DIMENSION}. */
    default VectorStore newStore() {
        return newStore(DIMENSION, DistanceMetric.COSINE);
    }

    /** The ids of matches, in order. */
    static List<String> ids(List<Match> matches) {
        return matches.stream().map(Match::id).toList();
    }

    /** A query for {@code vector} returning up to {@code topK} matches with metadata and values. */
    static Query everything(float[] vector, int topK) {
        return Query.builder(vector).topK(topK).includeMetadata(true).includeValues(true).build();
    }
}
