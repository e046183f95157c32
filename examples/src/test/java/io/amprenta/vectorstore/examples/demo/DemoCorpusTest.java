package io.amprenta.vectorstore.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.VectorRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The demo corpus has the shape of real sentence embeddings that its Javadoc claims (each property here fails on a
 * corpus of topics plus noise in every dimension) and stays deterministic for a seed.
 */
class DemoCorpusTest {

    private static final int DIMENSION = 384;
    private static final List<VectorRecord> CHUNKS = new DemoCorpus(DIMENSION, 60, 42).chunks("c-", 2_000);

    @Test
    void theSameSeedGivesTheSameChunksOfUnitLength() {
        List<VectorRecord> again = new DemoCorpus(DIMENSION, 60, 42).chunks("c-", 2_000);

        for (int i = 0; i < CHUNKS.size(); i++) {
            assertThat(again.get(i).values()).containsExactly(CHUNKS.get(i).values());
            assertThat(again.get(i).metadata()).isEqualTo(CHUNKS.get(i).metadata());
            assertThat(dot(CHUNKS.get(i).values(), CHUNKS.get(i).values())).isCloseTo(1.0, within(1e-4));
        }
        assertThat(CHUNKS.get(0).values()).hasSize(DIMENSION);
        assertThat(new DemoCorpus(DIMENSION, 60, 43).chunks("c-", 1).get(0).values()).isNotEqualTo(CHUNKS.get(0).values());
    }

    @Test
    void aChunksNearestNeighboursAreDistinctlyNearerThanTheRestOfItsTopic() {
        double nearest = 0;
        double sameTopic = 0;
        int samples = 100;
        for (int i = 0; i < samples; i++) {
            VectorRecord chunk = CHUNKS.get(i);
            double[] cosines = CHUNKS.stream().filter(other -> other != chunk)
                    .filter(other -> other.metadata().get("topic").equals(chunk.metadata().get("topic")))
                    .mapToDouble(other -> dot(chunk.values(), other.values())).sorted().toArray();
            nearest += cosines[cosines.length - 1] / samples;
            sameTopic += cosines[cosines.length / 2] / samples;
        }

        // Topic plus isotropic noise: every chunk of a topic at nearly the same cosine (a gap of about 0.05).
        assertThat(nearest - sameTopic).isGreaterThan(0.2);
    }

    @Test
    void allChunksShareACommonDirectionYetUnrelatedOnesCanPointApart() {
        Random random = new Random(1);
        double[] cosines = new double[2_000];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = dot(CHUNKS.get(random.nextInt(CHUNKS.size())).values(), CHUNKS.get(random.nextInt(CHUNKS.size())).values());
        }
        Arrays.sort(cosines);

        assertThat(Arrays.stream(cosines).average().orElseThrow()).isBetween(0.1, 0.35);
        assertThat(cosines[cosines.length / 50]).isNegative();
    }

    @Test
    void aFewDozenDirectionsCarryMostOfTheVariance() {
        double[][] covariance = covariance();
        double total = 0;
        for (int d = 0; d < DIMENSION; d++) {
            total += covariance[d][d];
        }

        // Topic plus isotropic noise: 60 topic directions share about 40 % of the variance, the noise the rest evenly.
        assertThat(topEigenvalueSum(covariance, 20) / total).isGreaterThan(0.45);
    }

    @Test
    void aQuestionAboutATopicIsNearestToThatTopicsChunks() {
        float[] question = new DemoCorpus(DIMENSION, 60, 42).questionAbout(7);
        double toTopic = CHUNKS.stream().filter(chunk -> chunk.metadata().get("topic").equals("topic-7"))
                .mapToDouble(chunk -> dot(question, chunk.values())).average().orElseThrow();
        double toOthers = CHUNKS.stream().filter(chunk -> !chunk.metadata().get("topic").equals("topic-7"))
                .mapToDouble(chunk -> dot(question, chunk.values())).average().orElseThrow();

        assertThat(toTopic).isGreaterThan(toOthers + 0.2);
    }

    private static double[][] covariance() {
        double[] mean = new double[DIMENSION];
        for (VectorRecord chunk : CHUNKS) {
            for (int d = 0; d < DIMENSION; d++) {
                mean[d] += chunk.values()[d] / CHUNKS.size();
            }
        }
        double[][] covariance = new double[DIMENSION][DIMENSION];
        double[] centred = new double[DIMENSION];
        for (VectorRecord chunk : CHUNKS) {
            for (int d = 0; d < DIMENSION; d++) {
                centred[d] = chunk.values()[d] - mean[d];
            }
            for (int a = 0; a < DIMENSION; a++) {
                for (int b = 0; b < DIMENSION; b++) {
                    covariance[a][b] += centred[a] * centred[b] / CHUNKS.size();
                }
            }
        }
        return covariance;
    }

    /** The sum of the {@code count} largest eigenvalues of a symmetric matrix, by orthogonal (subspace) iteration. */
    private static double topEigenvalueSum(double[][] matrix, int count) {
        int n = matrix.length;
        Random random = new Random(3);
        double[][] basis = new double[count][n];
        for (double[] vector : basis) {
            for (int i = 0; i < n; i++) {
                vector[i] = random.nextGaussian();
            }
        }
        for (int iteration = 0; iteration < 100; iteration++) {
            for (int j = 0; j < count; j++) {
                basis[j] = multiply(matrix, basis[j]);
            }
            orthonormalize(basis);
        }
        double sum = 0;
        for (double[] vector : basis) {
            double[] image = multiply(matrix, vector);
            for (int i = 0; i < n; i++) {
                sum += vector[i] * image[i];
            }
        }
        return sum;
    }

    private static double[] multiply(double[][] matrix, double[] vector) {
        double[] result = new double[vector.length];
        for (int i = 0; i < matrix.length; i++) {
            double sum = 0;
            for (int j = 0; j < vector.length; j++) {
                sum += matrix[i][j] * vector[j];
            }
            result[i] = sum;
        }
        return result;
    }

    private static void orthonormalize(double[][] basis) {
        for (int j = 0; j < basis.length; j++) {
            for (int k = 0; k < j; k++) {
                double projection = 0;
                for (int i = 0; i < basis[j].length; i++) {
                    projection += basis[j][i] * basis[k][i];
                }
                for (int i = 0; i < basis[j].length; i++) {
                    basis[j][i] -= projection * basis[k][i];
                }
            }
            double length = 0;
            for (double value : basis[j]) {
                length += value * value;
            }
            length = Math.sqrt(length);
            for (int i = 0; i < basis[j].length; i++) {
                basis[j][i] /= length;
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * (double) b[i];
        }
        return sum;
    }
}
