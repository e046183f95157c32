package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.testkit.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The vectors a benchmark runs on: base vectors to load, query vectors, and optionally the exact top-10 of each
 * query as shipped with the data. Either real sentence embeddings read from a directory in the format of
 * {@code minilm-debian-20k} ({@code base.f32}, {@code queries.f32}, {@code gt.i32}: little-endian, each starting
 * with two int32 rows and columns), or generated clustered vectors when no such directory is at hand.
 *
 * @param description where the vectors come from, printed with the results
 * @param base the vectors to load; row {@code i} becomes record {@code doc-i}
 * @param queries the query vectors
 * @param groundTruth each query's exact top-10 rows as shipped, or null (generated data)
 * @param real whether these are real embeddings (targets are stated for real embeddings)
 */
public record Dataset(String description, float[][] base, float[][] queries, int[][] groundTruth, boolean real) {

    /** The dimension. */
    public int dimension() {
        return base[0].length;
    }

    /** Reads {@code directory}; {@code maxQueries} caps the number of queries used. */
    public static Dataset load(Path directory, int maxQueries) throws IOException {
        float[][] base = readFloats(directory.resolve("base.f32"), Integer.MAX_VALUE);
        float[][] queries = readFloats(directory.resolve("queries.f32"), maxQueries);
        int[][] truth = Files.exists(directory.resolve("gt.i32")) ? readInts(directory.resolve("gt.i32"), maxQueries) : null;
        return new Dataset(directory.getFileName() + " (" + base.length + " x " + base[0].length + " real embeddings, "
                + queries.length + " queries)", base, queries, truth, true);
    }

    /**
     * Clustered vectors like real embeddings (which cluster, unlike uniform random vectors, and make HNSW recall
     * harder): {@code clusters} Gaussian centres, each point a centre plus noise, normalized; queries are normalized
     * sums of two base vectors, as in {@code minilm-debian-20k}.
     */
    public static Dataset generated(int rows, int queryCount, int dimension, long seed) {
        Random random = new Random(seed);
        int clusters = Math.max(1, rows / 400);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = TestData.gaussian(random, dimension, 1.0);
        }
        float[][] base = new float[rows][];
        for (int i = 0; i < rows; i++) {
            float[] noise = TestData.gaussian(random, dimension, 0.6);
            float[] centre = centres[random.nextInt(clusters)];
            for (int d = 0; d < dimension; d++) {
                noise[d] += centre[d];
            }
            base[i] = TestData.normalize(noise);
        }
        float[][] queries = new float[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            float[] a = base[random.nextInt(rows)];
            float[] b = base[random.nextInt(rows)];
            float[] sum = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                sum[d] = a[d] + b[d];
            }
            queries[q] = TestData.normalize(sum);
        }
        return new Dataset("generated clustered data (" + rows + " x " + dimension + ", " + clusters + " clusters, "
                + queryCount + " queries, seed " + seed + ")", base, queries, null, false);
    }

    private static ByteBuffer read(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float[][] readFloats(Path file, int maxRows) throws IOException {
        ByteBuffer buffer = read(file);
        int rows = Math.min(buffer.getInt(), maxRows);
        int columns = buffer.getInt();
        float[][] matrix = new float[rows][columns];
        for (float[] row : matrix) {
            buffer.asFloatBuffer().get(row);
            buffer.position(buffer.position() + 4 * columns);
        }
        return matrix;
    }

    private static int[][] readInts(Path file, int maxRows) throws IOException {
        ByteBuffer buffer = read(file);
        int rows = Math.min(buffer.getInt(), maxRows);
        int columns = buffer.getInt();
        int[][] matrix = new int[rows][columns];
        for (int[] row : matrix) {
            buffer.asIntBuffer().get(row);
            buffer.position(buffer.position() + 4 * columns);
        }
        return matrix;
    }
}
