package io.amprenta.vectorstore;


/**
 * How similarity is measured, and what a {@link Match#score()} means.
 *
 * <p>Scores follow Pinecone for every backend, so a threshold tuned on one carries over to the other:
 * {@link #COSINE} scores are cosine similarity and {@link #DOTPRODUCT} scores the dot product (higher
 * is better); {@link #EUCLIDEAN} scores are the <em>squared</em> L2 distance (lower is better).
 */
public enum DistanceMetric {
    /** Cosine similarity in [-1, 1]; higher is better. Vectors must not be all zeros. */
    COSINE("cosine", true),
    /** Dot product; higher is better. */
    DOTPRODUCT("dotproduct", true),
    /** Squared Euclidean distance; lower is better. */
    EUCLIDEAN("euclidean", false);

    private final String configName;
    private final boolean higherIsBetter;

    DistanceMetric(String configName, boolean higherIsBetter) {
        this.configName = configName;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name used in configuration and by Pinecone: {@code cosine}, {@code dotproduct} or {@code euclidean}. */
    public String configName() {
        return configName;
    }

    /** Whether a higher score means a closer match. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * The exact score of {@code candidate} against {@code query}, computed in double precision.
     * This is the reference every backend's scores are compared with.
     */
    public double score(float[] query, float[] candidate) {
        if (query.length != candidate.length) {
            throw new IllegalArgumentException(
                    "vectors differ in dimension: " + query.length + " vs " + candidate.length);
        }
        double dot = 0;
        double queryNorm = 0;
        double candidateNorm = 0;
        double squaredDistance = 0;
        for (int i = 0; i < query.length; i++) {
            double q = query[i];
            double c = candidate[i];
            dot += q * c;
            queryNorm += q * q;
            candidateNorm += c * c;
            squaredDistance += (q - c) * (q - c);
        }
        return switch (this) {
            case COSINE -> dot / (Math.sqrt(queryNorm) * Math.sqrt(candidateNorm));
            case DOTPRODUCT -> dot;
            case EUCLIDEAN -> squaredDistance;
        };
    }

    /**
     * Compares two scores so that the better one sorts first: descending for similarity metrics,
     * ascending for {@link #EUCLIDEAN}.
     */
    public int compareBestFirst(double a, double b) {
        return higherIsBetter ? Double.compare(b, a) : Double.compare(a, b);
    }

    /**
     * Parses a configured metric name, case-insensitively.
     *
     * @throws ConfigurationException naming {@code key} and the accepted names when {@code value} is unknown
     */
    public static DistanceMetric fromConfig(String key, String value) {
        return setting(key).parse(value);
    }

    /** The setting {@code key} naming a metric, {@code cosine} by default. */
    public static Setting<DistanceMetric> setting(String key) {
        return Setting.choice(key, DistanceMetric.class, COSINE, DistanceMetric::configName,
                "`cosine`, `dotproduct` or `euclidean`");
    }
}
