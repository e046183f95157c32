package io.amprenta.vectorstore;

import io.amprenta.vectorstore.filter.Filter;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A nearest-neighbour search: the query vector, how many matches, an optional metadata filter, whether
 * matches carry their metadata and values, and optional sparse values for a hybrid search.
 *
 * <p>Build with {@code Query.builder(vector).topK(10).filter(f).build()}. Defaults: {@code topK} 10,
 * no filter, metadata included, values not included (as in Spring AI and LangChain4j; Pinecone's own
 * default excludes both), no sparse vector, no score threshold.
 *
 * <p>A {@link Builder#scoreThreshold score threshold} keeps only matches at least that good in the store's
 * metric: a score at or above it for {@code cosine} and {@code dotproduct} (higher is better), at or below
 * it for {@code euclidean}, whose scores are squared distances (lower is better). The query then returns
 * the best {@code topK} of the records that pass, so fewer than {@code topK} when fewer pass.
 *
 * <p>A hybrid query ({@link Builder#sparseVector}) scores each record as Pinecone does: the dense dot
 * product plus the dot product of the sparse values (records without sparse values contribute 0 for
 * that part). Only {@code dotproduct} stores answer it; other metrics refuse, as Pinecone does, because a
 * sum of a cosine or a distance with a dot product has no meaning. Filters and namespaces apply as for
 * dense queries.
 *
 * @param vector the query vector; {@link #vector()} returns a copy
 * @param topK how many matches to return, 1 to {@value #MAX_TOP_K}
 * @param filter the metadata filter, or null for none
 * @param includeMetadata whether matches carry metadata
 * @param includeValues whether matches carry their vector values (dense and sparse)
 * @param sparseVector the sparse part of a hybrid query, or null for a dense query
 * @param scoreThreshold the worst score a match may have (see above), or null for none
 */
public record Query(float[] vector, int topK, Filter filter, boolean includeMetadata, boolean includeValues,
                    SparseValues sparseVector, Double scoreThreshold) {

    /** The largest {@code topK} any backend accepts (Pinecone's limit). */
    public static final int MAX_TOP_K = 10_000;

    /** The {@code topK} used when none is set. */
    public static final int DEFAULT_TOP_K = 10;

    /** Validates and copies the vector. */
    public Query {
        Objects.requireNonNull(vector, "vector");
        if (vector.length == 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY,
                    "The query vector is empty. Pass the embedding of the query text.");
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY,
                    "topK is " + topK + " but must be between 1 and " + MAX_TOP_K + ".");
        }
        if (scoreThreshold != null && !Double.isFinite(scoreThreshold)) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY, "The score threshold is " + scoreThreshold
                    + "; it must be a finite number (a score in the store's metric), or null for none.");
        }
        vector = vector.clone();
    }

    /** A dense query (no sparse vector, no score threshold). */
    public Query(float[] vector, int topK, Filter filter, boolean includeMetadata, boolean includeValues) {
        this(vector, topK, filter, includeMetadata, includeValues, null, null);
    }

    /** A query without a score threshold. */
    public Query(float[] vector, int topK, Filter filter, boolean includeMetadata, boolean includeValues,
                 SparseValues sparseVector) {
        this(vector, topK, filter, includeMetadata, includeValues, sparseVector, null);
    }

    /** Starts a query for {@code vector}. */
    public static Builder builder(float[] vector) {
        return new Builder(vector);
    }

    /** A copy of the query vector. */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    /** The number of values, without copying them. */
    public int dimension() {
        return vector.length;
    }

    /** The value at {@code index}, without copying the vector. */
    public float value(int index) {
        return vector[index];
    }

    /** The filter, if any. */
    public Optional<Filter> optionalFilter() {
        return Optional.ofNullable(filter);
    }

    /** Whether this is a hybrid query, with sparse values. */
    public boolean hasSparseVector() {
        return sparseVector != null;
    }

    /** The sparse vector, if any. */
    public Optional<SparseValues> optionalSparseVector() {
        return Optional.ofNullable(sparseVector);
    }

    /** The score threshold, if any. */
    public OptionalDouble optionalScoreThreshold() {
        return scoreThreshold == null ? OptionalDouble.empty() : OptionalDouble.of(scoreThreshold);
    }

    /**
     * Whether {@code score} passes this query's score threshold under {@code metric}: at least as good as the
     * threshold in the metric's direction. Always true without a threshold.
     */
    public boolean passesThreshold(DistanceMetric metric, double score) {
        return scoreThreshold == null || metric.compareBestFirst(score, scoreThreshold) <= 0;
    }

    /** The same query asking for {@code k} matches; backends use it to over-fetch. */
    public Query withTopK(int k) {
        return new Query(vector, k, filter, includeMetadata, includeValues, sparseVector, scoreThreshold);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Query that
                && topK == that.topK
                && includeMetadata == that.includeMetadata
                && includeValues == that.includeValues
                && Arrays.equals(vector, that.vector)
                && Objects.equals(filter, that.filter)
                && Objects.equals(sparseVector, that.sparseVector)
                && Objects.equals(scoreThreshold, that.scoreThreshold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(vector), topK, filter, includeMetadata, includeValues, sparseVector, scoreThreshold);
    }

    @Override
    public String toString() {
        return "Query[dimension=" + vector.length + ", topK=" + topK
                + (filter == null ? "" : ", filter=" + filter.toJson())
                + (sparseVector == null ? "" : ", sparseVector=" + sparseVector)
                + (scoreThreshold == null ? "" : ", scoreThreshold=" + scoreThreshold)
                + ", includeMetadata=" + includeMetadata + ", includeValues=" + includeValues + "]";
    }

    /** Builds a {@link Query}; {@link #build()} validates. */
    public static final class Builder {
        private final float[] vector;
        private int topK = DEFAULT_TOP_K;
        private Filter filter;
        private boolean includeMetadata = true;
        private boolean includeValues;
        private SparseValues sparseVector;
        private Double scoreThreshold;

        private Builder(float[] vector) {
            this.vector = Objects.requireNonNull(vector, "vector");
        }

        /** How many matches to return (default 10). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** Only records whose metadata matches; null for none. */
        public Builder filter(Filter filter) {
            this.filter = filter;
            return this;
        }

        /** Whether matches carry metadata (default true). */
        public Builder includeMetadata(boolean includeMetadata) {
            this.includeMetadata = includeMetadata;
            return this;
        }

        /**
         * The sparse part of a hybrid query (null for none): scores become dense plus sparse dot product.
         * Only {@code dotproduct} stores whose backend supports sparse values answer it.
         */
        public Builder sparseVector(SparseValues sparseVector) {
            this.sparseVector = sparseVector;
            return this;
        }

        /**
         * Keeps only matches at least this good (null for none): scores at or above it for {@code cosine} and
         * {@code dotproduct} stores, at or below it for {@code euclidean} stores (squared distances).
         */
        public Builder scoreThreshold(Double scoreThreshold) {
            this.scoreThreshold = scoreThreshold;
            return this;
        }

        /** Whether matches carry their vector values, dense and sparse (default false). */
        public Builder includeValues(boolean includeValues) {
            this.includeValues = includeValues;
            return this;
        }

        /** The query. */
        public Query build() {
            return new Query(vector, topK, filter, includeMetadata, includeValues, sparseVector, scoreThreshold);
        }
    }
}
