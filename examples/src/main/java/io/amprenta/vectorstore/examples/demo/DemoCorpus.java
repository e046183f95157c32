package io.amprenta.vectorstore.examples.demo;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated RAG corpus: vectors cluster around topics, as real embeddings do (uniform random vectors would make
 * every index look perfect), and each chunk carries the metadata a RAG application filters on (source, language,
 * year, tags). Deterministic for a seed. Unlike real embeddings, a chunk is its topic plus noise in every
 * dimension, so its neighbours are nearly equidistant: an HNSW index finds them far less reliably than it finds a
 * real sentence embedding's (docs/benchmarks.md, "The demo at 200,000 records").
 */
final class DemoCorpus {

    static final String[] SOURCES = {"handbook", "faq", "wiki", "tickets", "release-notes"};
    static final String[] LANGUAGES = {"en", "en", "en", "de", "fr"};
    static final String[] TAGS = {"billing", "security", "onboarding", "api", "outage", "pricing", "sso", "export"};

    // Per-dimension noise around a topic: at 384 dimensions a chunk keeps a cosine of about 0.65 to its topic,
    // close to how chunks of one subject spread in sentence-embedding space.
    private static final double CHUNK_SPREAD = 0.06;

    private final int dimension;
    private final float[][] topics;
    private final Random random;

    DemoCorpus(int dimension, int topicCount, long seed) {
        this.dimension = dimension;
        this.random = new Random(seed);
        this.topics = new float[topicCount][];
        for (int t = 0; t < topicCount; t++) {
            topics[t] = TestData.normalize(TestData.gaussian(random, dimension, 1.0));
        }
    }

    /** {@code count} chunks {@code prefix0..}, each near one topic, with metadata. */
    List<VectorRecord> chunks(String prefix, int count) {
        List<VectorRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int topic = random.nextInt(topics.length);
            float[] noise = TestData.gaussian(random, dimension, CHUNK_SPREAD);
            float[] values = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                values[d] = topics[topic][d] + noise[d];
            }
            records.add(VectorRecord.of(prefix + i, TestData.normalize(values), metadata(topic, i)));
        }
        return records;
    }

    /** A query vector near topic {@code topic}, as a user question about it would embed. */
    float[] questionAbout(int topic) {
        float[] noise = TestData.gaussian(random, dimension, 0.05);
        float[] values = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            values[d] = topics[topic][d] + noise[d];
        }
        return TestData.normalize(values);
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
