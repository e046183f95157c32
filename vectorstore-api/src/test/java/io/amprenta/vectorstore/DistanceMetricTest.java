package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistanceMetricTest {

    private static final float[] A = {1, 2, 2};
    private static final float[] B = {2, 0, 1};

    @Test
    void scoresFollowPinecone() {
        assertThat(DistanceMetric.DOTPRODUCT.score(A, B)).isEqualTo(4.0);
        assertThat(DistanceMetric.COSINE.score(A, B)).isCloseTo(4 / (3 * Math.sqrt(5)), within(1e-12));
        assertThat(DistanceMetric.EUCLIDEAN.score(A, B)).as("squared, not the root").isEqualTo(6.0);
    }

    @Test
    void bestFirstOrderDependsOnTheMetric() {
        assertThat(DistanceMetric.COSINE.compareBestFirst(0.9, 0.1)).isNegative();
        assertThat(DistanceMetric.EUCLIDEAN.compareBestFirst(0.9, 0.1)).isPositive();
        assertThat(DistanceMetric.EUCLIDEAN.higherIsBetter()).isFalse();
    }

    @Test
    void configNamesParseCaseInsensitively() {
        assertThat(DistanceMetric.fromConfig("K", " DotProduct ")).isEqualTo(DistanceMetric.DOTPRODUCT);
        assertThatThrownBy(() -> DistanceMetric.fromConfig("PGVECTOR_METRIC", "l2"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("PGVECTOR_METRIC is 'l2'").hasMessageContaining("cosine, dotproduct, euclidean");
    }

    @Test
    void differentDimensionsAreAProgrammingError() {
        assertThatThrownBy(() -> DistanceMetric.COSINE.score(A, new float[] {1})).isInstanceOf(IllegalArgumentException.class);
    }
}
