package io.amprenta.vectorstore;

import java.util.Arrays;
import java.util.Objects;

/**
 * The sparse part of a record or a query, as Pinecone defines it: positions ({@code indices}) and the
 * non-zero values at them. Used for keyword-style (e.g. BM25 or SPLADE) signals next to the dense
 * embedding; a hybrid query scores dense dot product plus sparse dot product.
 *
 * <p>Indices are Pinecone's unsigned 32-bit integers, held here as {@code long}s so that the whole range
 * 0 to {@value #MAX_INDEX} reads naturally in Java. Immutable: both arrays are copied in and out.
 *
 * <p>What a valid value looks like (checked by the store when the record or query is used, so that a bad
 * value reaches the point where it is reported with the record's id): non-empty; indices strictly
 * increasing (sorted, no duplicates) and within 0 to {@value #MAX_INDEX}; as many values as indices,
 * all finite; at most {@code Limits.MAX_SPARSE_VALUES} (Pinecone's 1000) entries.
 *
 * @param indices the positions, unsigned 32-bit; {@link #indices()} returns a copy
 * @param values the values at those positions; {@link #values()} returns a copy
 */
public record SparseValues(long[] indices, float[] values) {

    /** The largest index Pinecone accepts: 2<sup>32</sup> - 1. */
    public static final long MAX_INDEX = 0xFFFF_FFFFL;

    /** Copies both arrays; validity is checked by the store (see the class description). */
    public SparseValues {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        indices = indices.clone();
        values = values.clone();
    }

    /** Sparse values from parallel arrays. */
    public static SparseValues of(long[] indices, float[] values) {
        return new SparseValues(indices, values);
    }

    /** Sparse values from {@code int} indices read as unsigned, as Pinecone's protobuf messages carry them. */
    public static SparseValues ofUnsigned(int[] indices, float[] values) {
        Objects.requireNonNull(indices, "indices");
        long[] widened = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            widened[i] = Integer.toUnsignedLong(indices[i]);
        }
        return new SparseValues(widened, values);
    }

    /** A copy of the indices. */
    @Override
    public long[] indices() {
        return indices.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** The number of indices, without copying them. */
    public int size() {
        return indices.length;
    }

    /** The index at {@code position}, without copying. */
    public long index(int position) {
        return indices[position];
    }

    /** The value at {@code position}, without copying. */
    public float value(int position) {
        return values[position];
    }

    /**
     * The dot product with {@code other}, in double precision: the sum of the products of the values at
     * the indices both have. Both must be valid (sorted indices); the store checks that before scoring.
     */
    public double dot(SparseValues other) {
        double sum = 0;
        int i = 0;
        int j = 0;
        while (i < indices.length && j < other.indices.length) {
            long a = indices[i];
            long b = other.indices[j];
            if (a == b) {
                sum += (double) values[i] * other.values[j];
                i++;
                j++;
            } else if (a < b) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SparseValues that
                && Arrays.equals(indices, that.indices)
                && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        // Values are data like dense vectors, which toString() leaves out too; the size is what helps in logs.
        return "SparseValues[size=" + indices.length + "]";
    }
}
