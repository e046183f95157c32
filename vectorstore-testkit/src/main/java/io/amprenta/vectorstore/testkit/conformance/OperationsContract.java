package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Pinecone operations applications call besides upsert, query, fetch and delete, with Pinecone's meaning on
 * every backend: query by a stored record's id, {@code update} (values, sparse values) and {@code setMetadata}
 * (merging keys without resending the vector), listing and deleting namespaces, fetching records by a metadata
 * filter page by page, and a score threshold that respects each metric's direction. Bad input is refused and
 * leaves the stored records as they were.
 */
public interface OperationsContract extends StoreFixture {

    private static float[] vector(float... values) {
        float[] vector = new float[DIMENSION];
        System.arraycopy(values, 0, vector, 0, values.length);
        return vector;
    }

    private static void assertInvalid(ThrowingCallable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContainingAll(messageParts)
                .hasMessageContaining("docs/errors.md#" + code.anchor());
    }

    private static void assertScores(List<Match> matches, Map<String, Double> expected) {
        assertThat(StoreFixture.ids(matches)).containsExactlyElementsOf(expected.keySet());
        for (Match match : matches) {
            double score = expected.get(match.id());
            assertThat(match.score()).as("score of %s", match.id()).isCloseTo(score, within(ScoreContract.tolerance(score)));
        }
    }

    @Test
    default void queryByIdSearchesWithTheStoredRecordsValues() {
        VectorStore store = newStore();
        store.upsert(List.of(
                VectorRecord.of("a", vector(1), Map.of("g", "x")),
                VectorRecord.of("b", vector(1, 1), Map.of("g", "y")),
                VectorRecord.of("c", vector(0, 1), Map.of("g", "y"))));
        store.inNamespace("elsewhere").upsert(List.of(VectorRecord.of("far", vector(1), Map.of("g", "y"))));
        double half = Math.sqrt(0.5);

        assertScores(store.queryById("a", q -> q.topK(2)), orderedMap("a", 1.0, "b", half));
        assertScores(store.queryById("a", q -> q.topK(5).filter(Filter.eq("g", "y"))), orderedMap("b", half, "c", 0.0));
        List<Match> withValues = store.queryById("c", q -> q.topK(1).includeValues(true));
        assertThat(withValues).singleElement().satisfies(match -> assertThat(match.values()).containsExactly(vector(0, 1)));

        assertThat(store.queryById("missing", q -> q)).as("an unknown id matches nothing, as in Pinecone").isEmpty();
        assertThat(store.queryById("far", q -> q)).as("the id is looked up in this namespace only").isEmpty();
        assertThat(StoreFixture.ids(store.inNamespace("elsewhere").queryById("far", q -> q))).containsExactly("far");
        assertInvalid(() -> store.queryById("", q -> q), ErrorCode.INVALID_ID, "empty");
    }

    @Test
    default void updateReplacesValuesAndKeepsEverythingElse() {
        VectorStore store = newStore();
        VectorRecord original = VectorRecord.of("a", vector(1), Map.of("genre", "drama", "year", 2020));
        store.upsert(List.of(original, VectorRecord.of("b", vector(1, 1))));

        assertThat(store.update("a", vector(0, 0, 1), null)).isTrue();

        assertThat(store.fetch(List.of("a")).get("a")).isEqualTo(original.withValues(vector(0, 0, 1)));
        assertScores(store.query(Query.builder(vector(0, 0, 1)).topK(1).build()), Map.of("a", 1.0));
        assertThat(store.update("missing", vector(1), null)).as("an unknown id is reported, not created").isFalse();
        assertThat(store.fetch(List.of("missing"))).isEmpty();
        assertThat(store.inNamespace("elsewhere").update("a", vector(1), null)).isFalse();
        assertThat(store.fetch(List.of("a")).get("a").values()).containsExactly(vector(0, 0, 1));
    }

    @Test
    default void badUpdatesAreRefusedAndChangeNothing() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        VectorRecord original = VectorRecord.of("a", vector(1), Map.of("genre", "drama"));
        store.upsert(List.of(original));
        float[] nan = vector(1);
        nan[3] = Float.NaN;

        assertInvalid(() -> store.update("a", null, null), ErrorCode.INVALID_UPDATE, "'a'");
        assertInvalid(() -> store.update("a", new float[DIMENSION + 1], null), ErrorCode.DIMENSION_MISMATCH, "'a'");
        assertInvalid(() -> store.update("a", nan, null), ErrorCode.NON_FINITE_VALUE, "'a'");
        assertInvalid(() -> store.update("a", null, SparseValues.of(new long[] {5, 3}, new float[] {1, 1})),
                ErrorCode.INVALID_SPARSE_VALUES, "unsorted");
        assertInvalid(() -> store.update("a", null, SparseValues.of(new long[] {1, 2}, new float[] {1, Float.NaN})),
                ErrorCode.NON_FINITE_VALUE, "NaN");
        assertInvalid(() -> store.update("", vector(1), null), ErrorCode.INVALID_ID, "empty");
        assertInvalid(() -> store.setMetadata("a", Map.of("nested", Map.of("k", 1))), ErrorCode.UNSUPPORTED_METADATA, "nested");
        store.setMetadata("a", Map.of("big", "x".repeat(30_000)));
        VectorRecord withBig = store.fetch(List.of("a")).get("a");
        assertInvalid(() -> store.setMetadata("a", Map.of("bigger", "y".repeat(15_000))), ErrorCode.METADATA_TOO_LARGE, "'a'");

        assertThat(store.fetch(List.of("a")).get("a")).isEqualTo(withBig);
        assertThat(withBig.values()).containsExactly(vector(1));
    }

    @Test
    default void updateReplacesSparseValuesOrRefusesThem() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        VectorRecord original = VectorRecord.of("a", vector(1), Map.of("g", "x"));
        store.upsert(List.of(original));
        SparseValues sparse = SparseValues.of(new long[] {3, 4_000_000_000L}, new float[] {2, 0.5f});
        if (!store.supportsSparseValues()) {
            assertInvalid(() -> store.update("a", vector(0, 1), sparse), ErrorCode.SPARSE_VALUES_UNSUPPORTED, "'a'");
            assertThat(store.fetch(List.of("a")).get("a")).isEqualTo(original);
            return;
        }
        assertThat(store.update("a", null, sparse)).isTrue();
        assertThat(store.fetch(List.of("a")).get("a")).isEqualTo(original.withSparseValues(sparse));

        Query hybrid = Query.builder(vector(1)).sparseVector(SparseValues.of(new long[] {4_000_000_000L}, new float[] {4})).build();
        assertScores(store.query(hybrid), Map.of("a", 3.0)); // dense 1 + sparse 0.5 * 4
        assertThat(store.update("a", vector(0, 1), null)).isTrue();
        assertThat(store.fetch(List.of("a")).get("a")).as("new dense values keep the sparse ones")
                .isEqualTo(original.withValues(vector(0, 1)).withSparseValues(sparse));
    }

    @Test
    default void setMetadataMergesKeysWithoutTouchingTheVector() {
        VectorStore store = newStore();
        VectorRecord original = VectorRecord.of("a", vector(1, 2), Map.of("genre", "drama", "year", 2020));
        store.upsert(List.of(original, VectorRecord.of("b", vector(2, 1), Map.of("year", 2021))));

        assertThat(store.setMetadata("a", Map.of("year", 2021, "tags", List.of("x", "y")))).isTrue();

        VectorRecord updated = store.fetch(List.of("a")).get("a");
        assertThat(updated.metadata()).isEqualTo(Map.of("genre", "drama", "year", 2021.0, "tags", List.of("x", "y")));
        assertThat(updated.values()).containsExactly(vector(1, 2));
        assertThat(StoreFixture.ids(store.query(Query.builder(vector(1, 2)).topK(10).filter(Filter.eq("year", 2021)).build())))
                .containsExactly("a", "b");
        assertThat(store.setMetadata("missing", Map.of("k", "v"))).isFalse();
        assertThat(store.fetch(List.of("missing"))).isEmpty();
    }

    @Test
    default void namespacesAreListedAndDeletedWithTheirRecords() {
        VectorStore store = newStore();
        store.upsert(List.of(VectorRecord.of("d", vector(1))));
        store.inNamespace("ns-a").upsert(List.of(VectorRecord.of("a1", vector(1)), VectorRecord.of("a2", vector(0, 1))));
        store.inNamespace("ns-b").upsert(List.of(VectorRecord.of("b1", vector(1))));

        assertThat(store.listNamespaces()).containsExactly("", "ns-a", "ns-b");

        store.deleteNamespace("ns-a");

        assertThat(store.listNamespaces()).containsExactly("", "ns-b");
        assertThat(store.inNamespace("ns-a").fetch(List.of("a1", "a2"))).isEmpty();
        assertThat(store.inNamespace("ns-b").fetch(List.of("b1"))).containsOnlyKeys("b1");
        assertThat(store.fetch(List.of("d"))).containsOnlyKeys("d");
        store.deleteNamespace("never-existed");
        store.deleteNamespace("");
        assertThat(store.listNamespaces()).containsExactly("ns-b");
    }

    @Test
    default void fetchByFilterReturnsEveryMatchingRecordWholeOnExactlyOnePage() {
        VectorStore store = newStore();
        Map<String, VectorRecord> even = new LinkedHashMap<>();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            VectorRecord record = VectorRecord.of(String.format("r%02d", i), vector(1, i), Map.of("n", i, "even", i % 2 == 0));
            records.add(record);
            if (i % 2 == 0) {
                even.put(record.id(), record);
            }
        }
        store.upsert(records);
        store.inNamespace("elsewhere").upsert(List.of(VectorRecord.of("r00", vector(1), Map.of("even", true))));

        List<VectorRecord> fetched = new ArrayList<>();
        Optional<RecordPageRequest> next = Optional.of(RecordPageRequest.of(Filter.eq("even", true)).withLimit(5));
        int pages = 0;
        while (next.isPresent()) {
            RecordPage page = store.fetchByFilter(next.get());
            assertThat(page.records()).hasSizeLessThanOrEqualTo(5);
            fetched.addAll(page.records());
            next = page.next();
            assertThat(++pages).as("pages").isLessThan(20);
        }
        Set<String> distinct = new HashSet<>();
        fetched.forEach(record -> assertThat(distinct.add(record.id())).as("%s on one page only", record.id()).isTrue());
        assertThat(fetched).containsExactlyInAnyOrderElementsOf(even.values());

        RecordPage none = store.fetchByFilter(RecordPageRequest.of(Filter.gt("n", 100)));
        assertThat(none.records()).isEmpty();
        assertThat(none.hasMore()).isFalse();
        assertThat(store.fetchByFilter(RecordPageRequest.of(Filter.eq("n", 7))).records()).containsExactly(records.get(7));
        assertInvalid(() -> RecordPageRequest.of(Filter.eq("n", 7)).withLimit(0), ErrorCode.INVALID_QUERY, "limit");
    }

    @Test
    default void fetchByFilterCarriesSparseValues() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        if (!store.supportsSparseValues()) {
            return;
        }
        VectorRecord hybrid = VectorRecord.of("h", vector(1), Map.of("k", "v"))
                .withSparseValues(SparseValues.of(new long[] {1, SparseValues.MAX_INDEX}, new float[] {1, 2}));
        store.upsert(List.of(hybrid, VectorRecord.of("d", vector(1), Map.of("k", "w"))));

        assertThat(store.fetchByFilter(RecordPageRequest.of(Filter.eq("k", "v"))).records()).containsExactly(hybrid);
    }

    @ParameterizedTest
    @EnumSource(DistanceMetric.class)
    default void scoreThresholdKeepsMatchesAtLeastThatGoodInTheMetricsDirection(DistanceMetric metric) {
        VectorStore store = newStore(DIMENSION, metric);
        // Scores against the query (1, 0, ...) for a = (1.5, 0), b = (1, 1), c = (0, 1): cosine 1, 0.707, 0;
        // dotproduct 1.5, 1, 0; euclidean (squared distances, lower is better) 0.25, 1, 2.
        store.upsert(List.of(
                VectorRecord.of("a", vector(1.5f), Map.of()),
                VectorRecord.of("b", vector(1, 1), Map.of()),
                VectorRecord.of("c", vector(0, 1), Map.of())));
        float[] query = vector(1);
        double threshold = switch (metric) {
            case COSINE -> 0.5;
            case DOTPRODUCT -> 0.5;
            case EUCLIDEAN -> 1.5;
        };
        Map<String, Double> expected = switch (metric) {
            case COSINE -> orderedMap("a", 1.0, "b", Math.sqrt(0.5));
            case DOTPRODUCT -> orderedMap("a", 1.5, "b", 1.0);
            case EUCLIDEAN -> orderedMap("a", 0.25, "b", 1.0);
        };

        List<Match> passing = store.query(Query.builder(query).topK(10).scoreThreshold(threshold).build());

        assertScores(passing, expected);
        assertThat(store.query(Query.builder(query).topK(10).build())).hasSize(3);
        assertThat(store.query(Query.builder(query).topK(1).scoreThreshold(threshold).build())).hasSize(1);
        double unreachable = metric.higherIsBetter() ? 100 : -1;
        assertThat(store.query(Query.builder(query).topK(10).scoreThreshold(unreachable).build())).isEmpty();
        assertInvalid(() -> Query.builder(query).scoreThreshold(Double.NaN).build(), ErrorCode.INVALID_QUERY, "threshold");
    }

    private static Map<String, Double> orderedMap(String firstId, double firstScore, String secondId, double secondScore) {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(firstId, firstScore);
        map.put(secondId, secondScore);
        return map;
    }
}
