package io.amprenta.vectorstore;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * One stored vector: its id, its dense values and its metadata.
 *
 * <p>Immutable: the values are copied in and out, the metadata is an unmodifiable copy. Metadata holds
 * Pinecone's types only: strings, numbers (always returned as {@link Double}, as Pinecone does, whatever
 * {@link Number} type was given), booleans and lists of strings. Limits (id length, dimension, finite
 * values, metadata size) are checked by the store when the record is written, so a record can carry a
 * bad value to the point where it is reported.
 *
 * @param id the record's id, unique within a namespace
 * @param values the dense vector; {@link #values()} returns a copy
 * @param metadata string keys to metadata values; empty when there is none
 */
public record VectorRecord(String id, float[] values, Map<String, Object> metadata) {

    /** Validates the types and takes defensive copies. */
    public VectorRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(values, "values");
        values = values.clone();
        metadata = MetadataValues.normalize(id, metadata);
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

    /** A record with the same id and metadata and other values. */
    public VectorRecord withValues(float[] newValues) {
        return new VectorRecord(id, newValues, metadata);
    }

    /** A record with the same id and values and other metadata. */
    public VectorRecord withMetadata(Map<String, ?> newMetadata) {
        return of(id, values, newMetadata);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VectorRecord that
                && id.equals(that.id)
                && Arrays.equals(values, that.values)
                && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(values), metadata);
    }

    @Override
    public String toString() {
        return "VectorRecord[id=" + id + ", dimension=" + values.length + ", metadata=" + metadata + "]";
    }
}
