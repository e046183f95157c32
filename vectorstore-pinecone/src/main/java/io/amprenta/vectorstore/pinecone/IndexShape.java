package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the library must know about an index before the first request: its dimension (so that limits are
 * checked up front) and its metric (what scores mean, and whether all-zero vectors are meaningful).
 * Pinecone fixes both when the index is created.
 *
 * @param dimension the vector dimension
 * @param metric the distance metric
 */
record IndexShape(int dimension, DistanceMetric metric) {

    /** Parses the metric name Pinecone reports ({@code cosine}, {@code dotproduct}, {@code euclidean}). */
    static Optional<DistanceMetric> parseMetric(String reported) {
        if (reported == null) {
            return Optional.empty();
        }
        String wanted = reported.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(DistanceMetric.values()).filter(metric -> metric.configName().equals(wanted)).findFirst();
    }

    /** Rejects an index whose vectors this library cannot store (sparse-only indexes). */
    static void requireDense(String vectorType, String indexLabel) {
        if (vectorType != null && !vectorType.isEmpty() && !vectorType.equalsIgnoreCase("dense")) {
            throw new ConfigurationException(ErrorCode.UNSUPPORTED_OPERATION, "Pinecone index " + indexLabel + " holds "
                    + vectorType + " vectors; this library stores dense vectors only. Point "
                    + PineconeSettings.INDEX_NAME + " or " + PineconeSettings.INDEX_HOST + " at a dense index.");
        }
    }

    /** Checks the stated {@code PINECONE_METRIC}, if any, against the metric the index has. */
    IndexShape requireExpectedMetric(Optional<DistanceMetric> expected, String indexLabel) {
        if (expected.isPresent() && expected.get() != metric) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, PineconeSettings.METRIC + " is "
                    + expected.get().configName() + " but Pinecone index " + indexLabel + " uses " + metric.configName()
                    + ". Scores would not mean what the application expects: point the store at the intended index, or"
                    + " correct or remove " + PineconeSettings.METRIC + ".");
        }
        return this;
    }
}
