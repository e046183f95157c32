package io.amprenta.vectorstore.cutover;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One query vector of a benchmark or a calibration.
 *
 * <p>A vector taken from a stored record ({@link QueryVectors#fromStoredRecords}) remembers that record's id: the
 * record is then left out of every answer and of the exact answer alike, since any index finds a vector's own record
 * and counting it would inflate recall by one in k.
 *
 * @param vector the query vector (copied)
 * @param sourceId the id of the stored record the vector came from, or null for a vector from elsewhere
 */
public record BenchmarkQuery(float[] vector, String sourceId) {

    /** Copies the vector. */
    public BenchmarkQuery {
        vector = Objects.requireNonNull(vector, "vector").clone();
    }

    /** A query vector that is not a stored record's. */
    public static BenchmarkQuery of(float[] vector) {
        return new BenchmarkQuery(vector, null);
    }

    /** A copy of the vector. */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    /** The stored record the vector came from, if any. */
    public Optional<String> source() {
        return Optional.ofNullable(sourceId);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BenchmarkQuery that && Arrays.equals(vector, that.vector) && Objects.equals(sourceId, that.sourceId);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(vector) + Objects.hashCode(sourceId);
    }

    @Override
    public String toString() {
        return "BenchmarkQuery[dimension=" + vector.length + (sourceId == null ? "" : ", sourceId=" + sourceId) + "]";
    }
}
