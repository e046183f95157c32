package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Sparse values are never lost: a store that {@link VectorStore#supportsSparseValues() supports} them keeps
 * them whole through upsert, fetch and query and scores hybrid queries as Pinecone does (dense plus sparse
 * dot product, dotproduct stores only); a store that does not refuses them before writing anything. Invalid
 * sparse values are rejected the same way by every backend, whatever its capability.
 */
public interface SparseContract extends StoreFixture {

    /** Indices spanning the unsigned 32-bit range, including values above {@link Integer#MAX_VALUE}. */
    SparseValues A_SPARSE = SparseValues.of(new long[] {0, 7, 2_147_483_648L, SparseValues.MAX_INDEX}, new float[] {0.5f, 2, 1, -1});
    SparseValues B_SPARSE = SparseValues.of(new long[] {7, 100}, new float[] {1, 3});

    private static VectorRecord withSparse(String id, int axis, SparseValues sparse, Map<String, ?> metadata) {
        return VectorRecord.of(id, TestData.unit(DIMENSION, axis), metadata).withSparseValues(sparse);
    }

    private static VectorRecord good(String id) {
        return VectorRecord.of(id, TestData.unit(DIMENSION, 0), Map.of("ok", true));
    }

    private static void assertInvalid(ThrowingCallable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContainingAll(messageParts)
                .hasMessageContaining("docs/errors.md#" + code.anchor());
    }

    @Test
    default void sparseValuesRoundTripThroughUpsertFetchAndQueryOrAreRefused() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        VectorRecord a = withSparse("a", 0, A_SPARSE, Map.of("g", "x"));
        if (!store.supportsSparseValues()) {
            store.upsert(List.of(good("before")));
            assertInvalid(() -> store.upsert(List.of(good("innocent"), a)), ErrorCode.SPARSE_VALUES_UNSUPPORTED, "'a'");
            assertThat(store.fetch(List.of("before", "innocent", "a")).keySet()).containsExactly("before");
            return;
        }
        VectorRecord dense = VectorRecord.of("dense", TestData.unit(DIMENSION, 1), Map.of("g", "x"));
        store.upsert(List.of(a, dense));

        assertThat(store.fetch(List.of("a", "dense"))).containsEntry("a", a).containsEntry("dense", dense);
        List<Match> matches = store.query(StoreFixture.everything(TestData.unit(DIMENSION, 0), 2));
        assertThat(StoreFixture.ids(matches)).containsExactly("a", "dense");
        assertThat(matches.get(0).sparseValues()).isEqualTo(A_SPARSE);
        assertThat(matches.get(1).sparseValues()).isNull();
        assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(1).build()).get(0).sparseValues())
                .as("sparse values come with the values only").isNull();

        VectorRecord replaced = a.withSparseValues(null);
        store.upsert(List.of(replaced));
        assertThat(store.fetch(List.of("a")).get("a").sparseValues()).as("an overwrite replaces the sparse values").isNull();
    }

    @Test
    default void hybridScoresAreDensePlusSparseDotProductWithFiltersAndNamespaces() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        SparseValues query = SparseValues.of(new long[] {7, 100, SparseValues.MAX_INDEX}, new float[] {2, 0.5f, 1});
        Query hybrid = Query.builder(TestData.unit(DIMENSION, 0)).topK(10).sparseVector(query)
                .filter(Filter.eq("g", "x")).includeValues(true).build();
        if (!store.supportsSparseValues()) {
            store.upsert(List.of(good("a")));
            assertInvalid(() -> store.query(hybrid), ErrorCode.SPARSE_VALUES_UNSUPPORTED, "sparse");
            return;
        }
        float[] twoX = TestData.unit(DIMENSION, 0);
        twoX[0] = 2;
        store.upsert(List.of(
                withSparse("a", 0, A_SPARSE, Map.of("g", "x")),
                withSparse("b", 1, B_SPARSE, Map.of("g", "x")),
                VectorRecord.of("dense-only", twoX, Map.of("g", "x")),
                withSparse("filtered-out", 0, B_SPARSE, Map.of("g", "y"))));
        store.inNamespace("elsewhere").upsert(List.of(withSparse("other-namespace", 0, B_SPARSE, Map.of("g", "x"))));

        List<Match> matches = store.query(hybrid);

        // a: dense 1 + sparse (7: 2*2) + (MAX: -1*1) = 4; b: dense 0 + (7: 1*2) + (100: 3*0.5) = 3.5; dense-only: 2.
        Map<String, Double> expected = Map.of("a", 4.0, "b", 3.5, "dense-only", 2.0);
        assertThat(StoreFixture.ids(matches)).containsExactly("a", "b", "dense-only");
        for (Match match : matches) {
            double score = expected.get(match.id());
            assertThat(match.score()).as("hybrid score of %s", match.id()).isCloseTo(score, within(ScoreContract.tolerance(score)));
        }
        assertThat(matches.get(1).sparseValues()).isEqualTo(B_SPARSE);
        assertThat(store.inNamespace("elsewhere").query(hybrid)).extracting(Match::id).containsExactly("other-namespace");
    }

    @Test
    default void hybridQueriesOnOtherMetricsAreRefusedNamingTheMetric() {
        for (DistanceMetric metric : List.of(DistanceMetric.COSINE, DistanceMetric.EUCLIDEAN)) {
            VectorStore store = newStore(DIMENSION, metric);
            store.upsert(List.of(good("a")));
            Query hybrid = Query.builder(TestData.unit(DIMENSION, 0)).sparseVector(B_SPARSE).build();
            if (store.supportsSparseValues()) {
                assertInvalid(() -> store.query(hybrid), ErrorCode.INVALID_QUERY, metric.configName(), "dotproduct");
            } else {
                assertInvalid(() -> store.query(hybrid), ErrorCode.SPARSE_VALUES_UNSUPPORTED, "sparse");
            }
        }
    }

    @Test
    default void invalidSparseValuesAreRejectedAndWriteNothing() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        store.upsert(List.of(good("before")));
        Map<SparseValues, List<Object>> cases = Map.of(
                SparseValues.of(new long[] {5, 3}, new float[] {1, 1}), List.of(ErrorCode.INVALID_SPARSE_VALUES, "unsorted"),
                SparseValues.of(new long[] {3, 3}, new float[] {1, 1}), List.of(ErrorCode.INVALID_SPARSE_VALUES, "duplicate"),
                SparseValues.of(new long[] {SparseValues.MAX_INDEX + 1}, new float[] {1}), List.of(ErrorCode.INVALID_SPARSE_VALUES, "out of range"),
                SparseValues.of(new long[] {-1}, new float[] {1}), List.of(ErrorCode.INVALID_SPARSE_VALUES, "out of range"),
                SparseValues.of(new long[] {1, 2}, new float[] {1}), List.of(ErrorCode.INVALID_SPARSE_VALUES, "same length"),
                SparseValues.of(new long[] {1, 2}, new float[] {1, Float.NaN}), List.of(ErrorCode.NON_FINITE_VALUE, "NaN"));
        cases.forEach((sparse, expected) -> {
            ErrorCode code = (ErrorCode) expected.get(0);
            String part = (String) expected.get(1);
            assertInvalid(() -> store.upsert(List.of(good("innocent"), withSparse("bad", 1, sparse, Map.of()))), code, "'bad'", part);
            assertInvalid(() -> store.query(Query.builder(TestData.unit(DIMENSION, 0)).sparseVector(sparse).build()), code, part);
        });
        assertThat(store.stats().count("")).isEqualTo(1);
        assertThat(store.fetch(List.of("before", "innocent", "bad")).keySet()).containsExactly("before");
    }

    @Test
    default void theSparseLimitIsPineconesThousandNonZeros() {
        VectorStore store = newStore(DIMENSION, DistanceMetric.DOTPRODUCT);
        long[] indices = new long[1001];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i * 1000L;
        }
        SparseValues tooMany = SparseValues.of(indices, new float[indices.length]);

        assertThatThrownBy(() -> store.upsert(List.of(withSparse("big", 0, tooMany, Map.of()))))
                .isInstanceOfSatisfying(VectorStoreException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPARSE_VALUES))
                .hasMessageContaining("1001").hasMessageContaining("'big'");
        assertThat(store.stats().count("")).isZero();
    }
}
