package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;

/**
 * The embedding column's SQL type and dimension, and everything that follows from them: the distance operator
 * and operator class per metric, the expression the HNSW index is built on, and how scores come from distances.
 *
 * <p>pgvector's HNSW index takes {@code vector} up to {@value #MAX_VECTOR_INDEX_DIMENSION} dimensions and
 * {@code halfvec} up to {@value #MAX_HALFVEC_INDEX_DIMENSION}. Above 2000 dimensions, or at any dimension when
 * {@link PgVectorSettings#INDEX_PRECISION} asks for it, the library keeps full precision in a {@code vector} column
 * and indexes the expression {@code embedding::halfvec(n)}: stored values stay exact (a fetched vector equals the
 * written one), only the index works in half precision, and results are re-scored exactly.
 *
 * @param type the column's type
 * @param dimension the column's dimension
 * @param halfIndex whether the index is on {@code embedding::halfvec(n)} (only for a {@code vector} column)
 */
record VectorColumn(Type type, int dimension, boolean halfIndex) {

    /** The largest dimension pgvector indexes as {@code vector}. */
    public static final int MAX_VECTOR_INDEX_DIMENSION = 2_000;
    /** The largest dimension pgvector indexes as {@code halfvec}. */
    public static final int MAX_HALFVEC_INDEX_DIMENSION = 4_000;

    /** Checks that only a {@code vector} column gets a halfvec expression index. */
    VectorColumn {
        if (halfIndex && type != Type.VECTOR) {
            throw new IllegalArgumentException("only a vector column is indexed through its halfvec cast");
        }
    }

    /** The column with the index pgvector needs at this dimension: full precision up to 2,000, half above. */
    VectorColumn(Type type, int dimension) {
        this(type, dimension, type == Type.VECTOR && dimension > MAX_VECTOR_INDEX_DIMENSION);
    }

    /**
     * The column with the index {@code precision} asks for. A {@code halfvec} column is indexed as it is.
     *
     * @throws ConfigurationException when {@code precision} is {@code full} above 2,000 dimensions
     */
    VectorColumn withIndexPrecision(PgVectorSettings.IndexPrecision precision) {
        if (type != Type.VECTOR) {
            return this;
        }
        return switch (precision) {
            case AUTO -> new VectorColumn(type, dimension);
            case HALF -> new VectorColumn(type, dimension, true);
            case FULL -> {
                if (dimension > MAX_VECTOR_INDEX_DIMENSION) {
                    throw fullPrecisionRefused(dimension);
                }
                yield new VectorColumn(type, dimension, false);
            }
        };
    }

    /** The error for {@code full} precision at a dimension pgvector cannot index as {@code vector}. */
    static ConfigurationException fullPrecisionRefused(int dimension) {
        return new ConfigurationException(ErrorCode.INVALID_SETTING, PgVectorSettings.INDEX_PRECISION.key()
                + " is full, but pgvector's HNSW index takes vector columns of at most " + MAX_VECTOR_INDEX_DIMENSION
                + " dimensions and this one has " + dimension + ". Set " + PgVectorSettings.INDEX_PRECISION.key()
                + " to half or auto: the index then works on embedding::halfvec(" + dimension + "), stored vectors"
                + " stay full precision and results are re-scored exactly.");
    }

    /** The largest magnitude half precision holds; beyond it the halfvec cast of the index fails. */
    static final float MAX_HALF_VALUE = 65_504f;

    /**
     * Refuses values a half-precision index cannot take before anything is written: the index is built on
     * {@code embedding::halfvec(n)}, so PostgreSQL would refuse the row anyway, with a less helpful message.
     *
     * @throws InvalidRequestException ({@link ErrorCode#NON_FINITE_VALUE}) for a value beyond +-65,504
     */
    void checkIndexable(String recordId, float[] values) {
        if (!halfIndex) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            if (Math.abs(values[i]) > MAX_HALF_VALUE) {
                throw new InvalidRequestException(ErrorCode.NON_FINITE_VALUE, "Record '" + recordId + "' has " + values[i]
                        + " at position " + i + ", beyond the +-65504 that the table's half-precision index"
                        + " (embedding::halfvec(" + dimension + ")) can hold. Scale or normalize the embedding, or use a"
                        + " full-precision index (" + PgVectorSettings.INDEX_PRECISION.key() + "=full, up to "
                        + MAX_VECTOR_INDEX_DIMENSION + " dimensions, then `vectorstore schema upgrade --reindex`).");
            }
        }
    }

    /** The index's precision as reports name it: {@code half} or {@code full}. */
    String indexPrecisionName() {
        return indexType() == Type.HALFVEC ? "half" : "full";
    }

    /** The pgvector types the library reads and writes. */
    enum Type {
        /** Single precision: exact round trips. */
        VECTOR("vector"),
        /** Half precision, when an application already stores its embeddings this way. */
        HALFVEC("halfvec");

        private final String sql;

        Type(String sql) {
            this.sql = sql;
        }

        /** The type's SQL name. */
        public String sql() {
            return sql;
        }
    }

    /** The column type as in DDL, e.g. {@code vector(384)}. */
    public String ddlType() {
        return type.sql() + "(" + dimension + ")";
    }

    /** Whether the index is on {@code embedding::halfvec(n)} rather than on the column itself. */
    public boolean indexesHalfvecExpression() {
        return halfIndex;
    }

    /** Whether pgvector can build an HNSW index for this column at all. */
    public boolean indexable() {
        return dimension <= MAX_HALFVEC_INDEX_DIMENSION;
    }

    /** The type the index works in. */
    public Type indexType() {
        return indexesHalfvecExpression() ? Type.HALFVEC : type;
    }

    /** What the HNSW index is built on and queries order by: the quoted column, or its halfvec cast. */
    public String indexExpression(String quotedColumn) {
        return indexesHalfvecExpression() ? "(" + quotedColumn + "::halfvec(" + dimension + "))" : quotedColumn;
    }

    /** The query vector parameter, cast to the type the index works in. */
    public String indexParameter() {
        return "?::" + indexType().sql() + "(" + dimension + ")";
    }

    /** The query vector parameter, cast to the column's own type, for exact distances. */
    public String columnParameter() {
        return "?::" + ddlType();
    }

    /** How the column is read so that pgvector-java decodes it: halfvec is widened to vector. */
    public String readExpression(String quotedColumn) {
        return type == Type.HALFVEC ? quotedColumn + "::vector" : quotedColumn;
    }

    /** The operator class of the index for {@code metric}, e.g. {@code vector_cosine_ops}. */
    public String operatorClass(DistanceMetric metric) {
        return indexType().sql() + switch (metric) {
            case COSINE -> "_cosine_ops";
            case DOTPRODUCT -> "_ip_ops";
            case EUCLIDEAN -> "_l2_ops";
        };
    }

    /** pgvector's distance operator for {@code metric}. */
    public static String operator(DistanceMetric metric) {
        return switch (metric) {
            case COSINE -> "<=>";
            case DOTPRODUCT -> "<#>";
            case EUCLIDEAN -> "<->";
        };
    }

    /**
     * The score every backend reports (Pinecone's, per metric) from a pgvector distance: cosine similarity
     * {@code 1 - d}, the dot product {@code -d} ({@code <#>} is the negative inner product), the squared L2 distance {@code d * d}.
     */
    public static double score(DistanceMetric metric, double distance) {
        return switch (metric) {
            case COSINE -> 1 - distance;
            case DOTPRODUCT -> -distance;
            case EUCLIDEAN -> distance * distance;
        };
    }
}
