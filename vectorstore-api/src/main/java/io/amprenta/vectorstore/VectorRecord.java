package io.amprenta.vectorstore;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored vector: its id, its dense values, its metadata and, optionally, its sparse values.
 *
 * <p>Immutable: the values are copied in and out, the metadata is an unmodifiable copy. Metadata holds
 * Pinecone's types only: strings, numbers (always returned as {@link Double}, as Pinecone does, whatever
 * {@link Number} type was given), booleans and lists of strings. Limits (id length, dimension, finite
 * values, metadata size, valid sparse values) are checked by the store when the record is written, so a
 * record can carry a bad value to the point where it is reported.
 *
 * <p>Every record has dense values: the stores of this library are dense, and sparse values ride along
 * with them (Pinecone's sparse-dense records). Pinecone's sparse-only indexes are refused when a store is
 * opened. Sparse values are attached with {@link #withSparseValues}; a backend that cannot store them
 * refuses the write rather than dropping them.
 *
 * @param id the record's id, unique within a namespace
 * @param values the dense vector; {@link #values()} returns a copy
 * @param metadata string keys to metadata values; empty when there is none
 * @param sparseValues the sparse values, or null for none
 */
public record VectorRecord(String id, float[] values, Map<String, Object> metadata, SparseValues sparseValues) {

    /** Validates the types and takes defensive copies. */
    public VectorRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(values, "values");
        values = values.clone();
        metadata = MetadataValues.normalize(id, metadata);
    }

    /** A record without sparse values. */
    public VectorRecord(String id, float[] values, Map<String, Object> metadata) {
        this(id, values, metadata, null);
    }

    /** Creates a record; {@code metadata} may be {@code null} for none. */
    public static VectorRecord of(String id, float[] values, Map<String, ?> metadata) {
        // unmodifiableMap widens Map<String, ?> to Map<String, Object> without a cast; the
        // constructor then copies and normalizes it once.
        return new VectorRecord(id, values, metadata == null ? Map.of() : Collections.unmodifiableMap(metadata));
    }

    /** Creates a record without metadata. */
    public static VectorRecord of(String id, float[] values) {
        return new VectorRecord(id, values, Map.of());
    }

    /** A copy of the vector's values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** The number of values, without copying them. */
    public int dimension() {
        return values.length;
    }

    /** The value at {@code index}, without copying the vector. */
    public float value(int index) {
        return values[index];
    }

    /** Whether the record carries sparse values. */
    public boolean hasSparseValues() {
        return sparseValues != null;
    }

    /** The sparse values, if any. */
    public Optional<SparseValues> optionalSparseValues() {
        return Optional.ofNullable(sparseValues);
    }

    /** A record with the same id, metadata and sparse values and other dense values. */
    public VectorRecord withValues(float[] newValues) {
        return new VectorRecord(id, newValues, metadata, sparseValues);
    }

    /** A record with the same id, values and sparse values and other metadata. */
    public VectorRecord withMetadata(Map<String, ?> newMetadata) {
        return of(id, values, newMetadata).withSparseValues(sparseValues);
    }

    /** A record with the same id, dense values and metadata and these sparse values (null for none). */
    public VectorRecord withSparseValues(SparseValues newSparseValues) {
        return new VectorRecord(id, values, metadata, newSparseValues);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VectorRecord that
                && id.equals(that.id)
                && Arrays.equals(values, that.values)
                && metadata.equals(that.metadata)
                && Objects.equals(sparseValues, that.sparseValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(values), metadata, sparseValues);
    }

    @Override
    public String toString() {
        return "VectorRecord[id=" + id + ", dimension=" + values.length + ", metadata=" + metadata
                + (sparseValues == null ? "" : ", sparseValues=" + sparseValues) + "]";
    }
}
