package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scores mean what Pinecone's mean, per metric, and results come best first: the exact top-k, with
 * scores equal to {@link DistanceMetric#score} up to single-precision rounding.
 */
public interface ScoreContract extends StoreFixture {

    /** Allowed difference from the double-precision reference: backends compute in single precision. */
    static double tolerance(double expected) {
        return 1e-4 * Math.max(1, Math.abs(expected));
    }

    @ParameterizedTest
    @EnumSource(DistanceMetric.class)
    default void scoresEqualTheExactMetricAndComeBestFirst(DistanceMetric metric) {
        VectorStore store = newStore(16, metric);
        Random random = new Random(10 + metric.ordinal());
        List<VectorRecord> records = TestData.randomRecords(random, 60, 16, "s");
        store.upsert(records);
        float[] query = TestData.randomVector(random, 16);

        List<Match> matches = store.query(Query.builder(query).topK(60).build());

        Map<String, VectorRecord> byId = records.stream().collect(Collectors.toMap(VectorRecord::id, Function.identity()));
        assertThat(matches).hasSize(60);
        for (Match match : matches) {
            double expected = metric.score(query, byId.get(match.id()).values());
            assertThat(match.score()).as("score of %s", match.id()).isCloseTo(expected, within(tolerance(expected)));
        }
        assertThat(matches).isSortedAccordingTo((a, b) -> metric.compareBestFirst(a.score(), b.score()));
    }

    @ParameterizedTest
    @EnumSource(DistanceMetric.class)
    default void topKReturnsTheExactBestRecords(DistanceMetric metric) {
        VectorStore store = newStore(16, metric);
        Random random = new Random(20 + metric.ordinal());
        List<VectorRecord> records = TestData.randomRecords(random, 200, 16, "t");
        store.upsert(records);
        float[] query = TestData.randomVector(random, 16);

        List<String> expected = records.stream()
                .sorted(Comparator.comparingDouble((VectorRecord r) -> metric.score(query, r.values()))
                        .reversed().thenComparing(VectorRecord::id))
                .map(VectorRecord::id).toList();
        List<String> best = metric.higherIsBetter() ? expected.subList(0, 10) : expected.subList(190, 200);

        assertThat(StoreFixture.ids(store.query(Query.builder(query).topK(10).build()))).containsExactlyInAnyOrderElementsOf(best);
    }

    @Test
    default void knownScoresForSimpleVectors() {
        float[] x = {1, 0, 0, 0, 0, 0, 0, 0};
        float[] twoX = {2, 0, 0, 0, 0, 0, 0, 0};
        float[] y = {0, 3, 0, 0, 0, 0, 0, 0};
        float[] minusX = {-1, 0, 0, 0, 0, 0, 0, 0};
        List<VectorRecord> records = List.of(VectorRecord.of("2x", twoX), VectorRecord.of("y", y), VectorRecord.of("-x", minusX));
        Map<DistanceMetric, Map<String, Double>> expected = Map.of(
                DistanceMetric.COSINE, Map.of("2x", 1.0, "y", 0.0, "-x", -1.0),
                DistanceMetric.DOTPRODUCT, Map.of("2x", 2.0, "y", 0.0, "-x", -1.0),
                DistanceMetric.EUCLIDEAN, Map.of("2x", 1.0, "y", 10.0, "-x", 4.0));
        for (DistanceMetric metric : DistanceMetric.values()) {
            VectorStore store = newStore(DIMENSION, metric);
            store.upsert(records);
            Map<String, Double> scores = store.query(Query.builder(x).topK(3).build()).stream()
                    .collect(Collectors.toMap(Match::id, Match::score));
            expected.get(metric).forEach((id, score) ->
                    assertThat(scores.get(id)).as("%s score of %s", metric, id).isCloseTo(score, within(1e-5)));
        }
    }

    @Test
    default void fewerRecordsThanTopKReturnsThemAll() {
        VectorStore store = newStore();
        store.upsert(TestData.randomRecords(new Random(5), 3, DIMENSION, "few"));

        assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10).build())).hasSize(3);
    }

    @Test
    default void includeFlagsControlWhatMatchesCarry() {
        VectorStore store = newStore();
        float[] values = TestData.randomVector(new Random(6), DIMENSION);
        store.upsert(List.of(VectorRecord.of("m", values, Map.of("k", "v"))));

        Match both = store.query(Query.builder(values).topK(1).includeMetadata(true).includeValues(true).build()).get(0);
        Match neither = store.query(Query.builder(values).topK(1).includeMetadata(false).includeValues(false).build()).get(0);
        Match defaults = store.query(Query.builder(values).topK(1).build()).get(0);

        assertThat(both.values()).containsExactly(values);
        assertThat(both.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(neither.hasValues()).isFalse();
        assertThat(neither.metadata()).isEmpty();
        assertThat(defaults.metadata()).isEqualTo(Map.of("k", "v"));
        assertThat(defaults.hasValues()).isFalse();
    }

    @Test
    default void tiedRecordsAreAllReturnedWhenTopKCoversThem() {
        VectorStore store = newStore();
        float[] shared = TestData.unit(DIMENSION, 0);
        store.upsert(List.of(VectorRecord.of("tie-b", shared), VectorRecord.of("tie-a", shared), VectorRecord.of("tie-c", shared),
                VectorRecord.of("far", TestData.unit(DIMENSION, 1))));

        List<Match> three = store.query(Query.builder(shared).topK(3).build());
        List<Match> two = store.query(Query.builder(shared).topK(2).build());

        assertThat(StoreFixture.ids(three)).containsExactlyInAnyOrder("tie-a", "tie-b", "tie-c");
        assertThat(three).allSatisfy(match -> assertThat(match.score()).isCloseTo(1.0, within(1e-6)));
        assertThat(StoreFixture.ids(two)).hasSize(2).isSubsetOf("tie-a", "tie-b", "tie-c");
    }
}
