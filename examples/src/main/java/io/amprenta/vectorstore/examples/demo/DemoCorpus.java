package io.amprenta.vectorstore.examples.demo;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated RAG corpus whose vectors are shaped like real sentence embeddings, so that the demo's index, recall
 * and calibration behave as they would on a user's data; each chunk carries the metadata a RAG application filters
 * on (source, language, year, tags). Deterministic for a seed.
 *
 * <p>Every chunk is a point of a small latent space (its meaning: {@value #LATENT_DIMENSION} coordinates) mapped
 * into the embedding's dimension by one smooth map, which gives it the properties real sentence embeddings are
 * known to have:
 * <ul>
 *   <li><b>Low intrinsic dimension.</b> Embeddings occupy a curved surface of a few dozen dimensions, not the whole
 *       space: a chunk's nearest neighbours are distinctly nearer than the rest of its topic. A chunk made of a
 *       topic plus independent noise in every dimension (this corpus before) has neighbours that are all nearly
 *       equidistant, which no embedding model produces and which HNSW cannot navigate (docs/benchmarks.md,
 *       "The demo at 200,000 records").</li>
 *   <li><b>A fast-decaying variance spectrum.</b> The latent axes matter unequally (their spreads fall off as a
 *       power law), the map has a linear part (the few principal directions that carry much of the variance, and
 *       the negative cosines between opposite subjects that real embeddings show) and a curved part (random
 *       Fourier features, whose dot products fall off with latent distance as a Gaussian kernel does), and a
 *       small isotropic floor takes the rest.</li>
 *   <li><b>Clusters with sub-structure, as a continuum.</b> A chunk's latent point is its topic's centre plus
 *       its subtopic's offset plus its own; each level up halves the cosine (two chunks of one subtopic 0.5, of one
 *       topic 0.25, any two 0.125 before the common direction), so topics are distinct yet overlap at their edges
 *       (a chunk about SSO billing sits between SSO and billing) instead of being islands with empty space between
 *       them.</li>
 *   <li><b>Anisotropy.</b> All embeddings share a common direction, so unrelated chunks still have a small
 *       positive cosine on average.</li>
 * </ul>
 * The constants are set from these properties (the cosine of two chunks of one subtopic, the shares of variance),
 * not fitted to any recall figure.
 */
final class DemoCorpus {

    static final String[] SOURCES = {"handbook", "faq", "wiki", "tickets", "release-notes"};
    static final String[] LANGUAGES = {"en", "en", "en", "de", "fr"};
    static final String[] TAGS = {"billing", "security", "onboarding", "api", "outage", "pricing", "sso", "export"};

    // Intrinsic-dimension estimates of sentence embeddings are in the tens, far below their 384 dimensions.
    static final int LATENT_DIMENSION = 16;
    private static final int SUBTOPICS_PER_TOPIC = 20;
    // Spread of latent axis k is proportional to k^-0.5: a power law, as the spectra of real embeddings fall off.
    private static final double AXIS_DECAY = 0.5;
    // The cosine (of the curved part) between two chunks of one subtopic (the same subject said differently), of one
    // topic, and of any two chunks: each level up the hierarchy halves it, so topics are distinct but not islands.
    private static final double SUBTOPIC_COSINE = 0.5;
    private static final double TOPIC_COSINE = 0.25;
    private static final double CORPUS_COSINE = 0.125;
    // Shares of a chunk's squared length: the common direction (anisotropy: with CORPUS_COSINE, measured, a chunk has
    // a cosine of about 0.47 to the mean of all chunks and two random chunks 0.22 on average), the isotropic floor,
    // and the linear part of the map (of what is left after those two).
    private static final double COMMON_SHARE = 0.15;
    private static final double FLOOR_SHARE = 0.05;
    private static final double LINEAR_SHARE = 0.3;

    private final int dimension;
    private final Random random;
    private final double[] axisSpread = new double[LATENT_DIMENSION];
    private final double chunkSpread;
    private final double totalSpread;
    private final double[][] topics;
    private final double[][][] subtopics;
    private final double[][] frequencies = new double[LATENT_DIMENSION][];
    private final double[] phases;
    private final double[][] linear = new double[LATENT_DIMENSION][];
    private final float[] common;

    DemoCorpus(int dimension, int topicCount, long seed) {
        this.dimension = dimension;
        this.random = new Random(seed);
        double meanSquare = 0;
        for (int k = 0; k < LATENT_DIMENSION; k++) {
            axisSpread[k] = Math.pow(k + 1, -AXIS_DECAY);
            meanSquare += axisSpread[k] * axisSpread[k] / LATENT_DIMENSION;
        }
        for (int k = 0; k < LATENT_DIMENSION; k++) {
            axisSpread[k] /= Math.sqrt(meanSquare);
        }
        // Latent spreads add as variances: a chunk's own, its subtopic's around the topic, the topic's around the corpus.
        this.chunkSpread = spreadForCosine(SUBTOPIC_COSINE);
        double topicWide = spreadForCosine(TOPIC_COSINE);
        this.totalSpread = spreadForCosine(CORPUS_COSINE);
        double subtopicSpread = Math.sqrt(topicWide * topicWide - chunkSpread * chunkSpread);
        double topicSpread = Math.sqrt(totalSpread * totalSpread - topicWide * topicWide);
        this.topics = new double[topicCount][];
        this.subtopics = new double[topicCount][SUBTOPICS_PER_TOPIC][];
        for (int t = 0; t < topicCount; t++) {
            topics[t] = around(new double[LATENT_DIMENSION], topicSpread);
            for (int s = 0; s < SUBTOPICS_PER_TOPIC; s++) {
                subtopics[t][s] = around(topics[t], subtopicSpread);
            }
        }
        this.phases = new double[dimension];
        for (int k = 0; k < LATENT_DIMENSION; k++) {
            frequencies[k] = new double[dimension];
            linear[k] = new double[dimension];
            for (int d = 0; d < dimension; d++) {
                frequencies[k][d] = random.nextGaussian();
                linear[k][d] = random.nextGaussian() / Math.sqrt(dimension);
            }
        }
        for (int d = 0; d < dimension; d++) {
            phases[d] = random.nextDouble() * 2 * Math.PI;
        }
        this.common = TestData.normalize(TestData.gaussian(random, dimension, 1.0));
    }

    /** {@code count} chunks {@code prefix0..}, each in one subtopic of one topic, with metadata. */
    List<VectorRecord> chunks(String prefix, int count) {
        List<VectorRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int topic = random.nextInt(topics.length);
            double[] meaning = around(subtopics[topic][random.nextInt(SUBTOPICS_PER_TOPIC)], chunkSpread);
            records.add(VectorRecord.of(prefix + i, embed(meaning), metadata(topic, i)));
        }
        return records;
    }

    /** A query vector near topic {@code topic}, as a user question about it would embed. */
    float[] questionAbout(int topic) {
        return embed(around(topics[topic], chunkSpread));
    }

    /** A latent point drawn around {@code centre} with {@code spread} (scaled per axis). */
    private double[] around(double[] centre, double spread) {
        double[] point = new double[LATENT_DIMENSION];
        for (int k = 0; k < LATENT_DIMENSION; k++) {
            point[k] = centre[k] + random.nextGaussian() * spread * axisSpread[k];
        }
        return point;
    }

    /** The unit embedding of latent point {@code meaning}: curved and linear parts, common direction, floor. */
    private float[] embed(double[] meaning) {
        double[] curved = new double[dimension];
        double[] straight = new double[dimension];
        for (int d = 0; d < dimension; d++) {
            double angle = phases[d];
            double projection = 0;
            for (int k = 0; k < LATENT_DIMENSION; k++) {
                angle += frequencies[k][d] * meaning[k];
                projection += linear[k][d] * meaning[k];
            }
            curved[d] = Math.cos(angle);
            straight[d] = projection;
        }
        // The linear part's expected squared length: the total spread, over LATENT_DIMENSION axes.
        double straightScale = Math.sqrt(LINEAR_SHARE / (totalSpread * totalSpread * LATENT_DIMENSION));
        double curvedScale = Math.sqrt((1 - LINEAR_SHARE) / length(curved));
        double[] meaningful = new double[dimension];
        for (int d = 0; d < dimension; d++) {
            meaningful[d] = curvedScale * curved[d] + straightScale * straight[d];
        }
        double meaningfulScale = Math.sqrt((1 - COMMON_SHARE - FLOOR_SHARE) / length(meaningful));
        double floorScale = Math.sqrt(FLOOR_SHARE / dimension);
        double commonScale = Math.sqrt(COMMON_SHARE);
        float[] values = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            values[d] = (float) (meaningfulScale * meaningful[d] + commonScale * common[d] + floorScale * random.nextGaussian());
        }
        return TestData.normalize(values);
    }

    private static double length(double[] vector) {
        double sum = 0;
        for (double value : vector) {
            sum += value * value;
        }
        return sum;
    }

    /**
     * The spread around a common centre for which two latent points drawn with it (whose difference has twice its
     * variance) have an expected curved-part cosine of {@code cosine}. Random Fourier features with
     * standard Gaussian frequencies give a cosine of exp(-|difference|^2 / 2), whose expectation over a Gaussian
     * difference with variance v on an axis is the product over the axes of (1 + v)^-1/2.
     */
    private double spreadForCosine(double cosine) {
        double low = 0;
        double high = 10;
        for (int i = 0; i < 100; i++) {
            double spread = (low + high) / 2;
            double expected = 1;
            for (int k = 0; k < LATENT_DIMENSION; k++) {
                expected /= Math.sqrt(1 + 2 * spread * spread * axisSpread[k] * axisSpread[k]);
            }
            if (expected > cosine) {
                low = spread;
            } else {
                high = spread;
            }
        }
        return low;
    }

    private Map<String, Object> metadata(int topic, int index) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("source", SOURCES[topic % SOURCES.length]);
        metadata.put("lang", LANGUAGES[random.nextInt(LANGUAGES.length)]);
        metadata.put("year", 2018 + random.nextInt(8));
        metadata.put("topic", "topic-" + topic);
        List<String> tags = new ArrayList<>();
        tags.add(TAGS[topic % TAGS.length]);
        if (random.nextInt(3) == 0) {
            tags.add(TAGS[random.nextInt(TAGS.length)]);
        }
        metadata.put("tags", tags);
        metadata.put("chunk", index % 20);
        return metadata;
    }
}
