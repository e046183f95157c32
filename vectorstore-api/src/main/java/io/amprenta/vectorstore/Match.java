package io.amprenta.vectorstore;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One result of a {@link Query}: the record's id, its score under the store's {@link DistanceMetric}
 * (Pinecone's meaning for every backend), and, when asked for, its metadata and values (dense, and sparse
 * when the record has them).
 *
 * @param id the record's id
 * @param score cosine similarity, dot product, or squared Euclidean distance; for a hybrid query, dense
 *     plus sparse dot product
 * @param values the vector values; empty when the query did not include values
 * @param metadata the metadata; empty when the query did not include metadata
 * @param sparseValues the record's sparse values when the query included values; null otherwise or when
 *     the record has none
 */
public record Match(String id, double score, float[] values, Map<String, Object> metadata, SparseValues sparseValues) {

    private static final float[] NO_VALUES = new float[0];

    /** Normalizes metadata like {@link VectorRecord} and copies the values. */
    public Match {
        Objects.requireNonNull(id, "id");
        values = values == null || values.length == 0 ? NO_VALUES : values.clone();
        metadata = MetadataValues.normalize(id, metadata);
    }

    /** A match without sparse values. */
    public Match(String id, double score, float[] values, Map<String, Object> metadata) {
        this(id, score, values, metadata, null);
    }

    /** A match; {@code values} and {@code metadata} may be null when not requested. */
    public static Match of(String id, double score, float[] values, Map<String, ?> metadata) {
        return of(id, score, values, null, metadata);
    }

    /** A match with sparse values; any argument but {@code id} may be null when not requested or absent. */
    public static Match of(String id, double score, float[] values, SparseValues sparseValues, Map<String, ?> metadata) {
        return new Match(id, score, values, metadata == null ? Map.of() : Collections.unmodifiableMap(metadata), sparseValues);
    }

    /**
     * A match whose metadata is made by {@code metadata} when first read, then normalized like any other: for backends
     * that hold metadata as JSON, so that a caller using only ids and scores never pays for parsing it. The metadata
     * map is unmodifiable and made at most once per reader that finds it not yet made; {@code metadata} must return
     * the same content every time and must not fail.
     */
    public static Match withMetadataReadLater(String id, double score, float[] values, SparseValues sparseValues,
                                              Supplier<? extends Map<String, ?>> metadata) {
        return new Match(id, score, values, new DeferredMetadata(id, metadata), sparseValues);
    }

    /** The sparse values, if the query included values and the record has them. */
    public Optional<SparseValues> optionalSparseValues() {
        return Optional.ofNullable(sparseValues);
    }

    /** A copy of the values; empty when the query did not include values. */
    @Override
    public float[] values() {
        return values.length == 0 ? NO_VALUES : values.clone();
    }

    /** Whether the match carries values. */
    public boolean hasValues() {
        return values.length > 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Match that
                && id.equals(that.id)
                && Double.compare(score, that.score) == 0
                && Arrays.equals(values, that.values)
                && metadata.equals(that.metadata)
                && Objects.equals(sparseValues, that.sparseValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, score, Arrays.hashCode(values), metadata, sparseValues);
    }

    @Override
    public String toString() {
        return "Match[id=" + id + ", score=" + score + (hasValues() ? ", dimension=" + values.length : "")
                + (sparseValues == null ? "" : ", sparseValues=" + sparseValues) + ", metadata=" + metadata + "]";
    }
}
