package io.amprenta.vectorstore.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DimensionMismatchException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is specific to the memory backend; the shared contract runs in the testkit's conformance test. */
class MemoryVectorStoreTest {

    @Test
    void theQuickstartFromTheIssueWorks() {
        try (VectorStore store = VectorStores.get(Map.of("VECTOR_BACKEND", "memory"))) {
            store.upsert(List.of(
                    VectorRecord.of("a", new float[] {1, 0, 0}, Map.of("genre", "drama")),
                    VectorRecord.of("b", new float[] {0.9f, 0.1f, 0}, Map.of("genre", "comedy"))));

            List<Match> matches = store.query(Query.builder(new float[] {1, 0, 0}).topK(5)
                    .filter(Filter.fromJson("{\"genre\":{\"$in\":[\"drama\"]}}")).build());

            assertThat(matches).extracting(Match::id).containsExactly("a");
            assertThat(matches.get(0).score()).isEqualTo(1.0);
        }
    }

    @Test
    void withoutAConfiguredDimensionTheFirstWriteFixesIt() {
        VectorStore store = MemoryVectorStore.builder().build();
        assertThat(store.stats().dimension()).isEmpty();

        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 2})));

        assertThat(store.stats().dimension()).hasValue(2);
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("b", new float[] {1, 2, 3}))))
                .isInstanceOf(DimensionMismatchException.class).hasMessageContaining("has 3 dimensions but the store expects 2");
    }

    @Test
    void aFirstBatchOfMixedDimensionsIsRejectedWhole() {
        VectorStore store = MemoryVectorStore.builder().build();

        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("a", new float[] {1, 2}), VectorRecord.of("b", new float[] {1}))))
                .isInstanceOf(DimensionMismatchException.class);
        assertThat(store.stats().totalCount()).isZero();
        assertThat(store.stats().dimension()).isEmpty();
    }

    @Test
    void aForeignCursorIsRejected() {
        VectorStore store = MemoryVectorStore.builder().build();

        assertThatThrownBy(() -> store.listIds(IdPageRequest.all().after("%%not-base64%%")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CURSOR));
    }

    @Test
    void idsAreListedInCodePointOrder() {
        VectorStore store = MemoryVectorStore.builder().dimension(1).metric(DistanceMetric.EUCLIDEAN).build();
        List<String> ids = List.of("b", "a", "\uFB01", "\uD83D\uDE00", "A", "aa");
        store.upsert(ids.stream().map(id -> VectorRecord.of(id, new float[] {1})).toList());

        assertThat(store.streamIds("").toList()).containsExactly("A", "a", "aa", "b", "\uFB01", "\uD83D\uDE00");
    }

    @Test
    void providerSettingsAreValidatedByName() {
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_METRIC", "manhattan")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("MEMORY_METRIC is 'manhattan'");
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("MEMORY_DIMENSION is '0'");
        try (VectorStore store = VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_NAMESPACE", "tenant",
                "MEMORY_METRIC", "dotproduct", "MEMORY_DIMENSION", "4"))) {
            assertThat(store.namespace()).isEqualTo("tenant");
            assertThat(store.stats().metric()).isEqualTo(DistanceMetric.DOTPRODUCT);
            assertThat(store.stats().dimension()).hasValue(4);
        }
    }

    @Test
    void hybridQueriesScoreDensePlusSparseDotProductAndCarrySparseValues() {
        SparseValues aSparse = SparseValues.of(new long[] {1, 7, 4_000_000_000L}, new float[] {0.5f, 2, 1});
        try (VectorStore store = VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_METRIC", "dotproduct"))) {
            store.upsert(List.of(
                    VectorRecord.of("a", new float[] {1, 0}, Map.of("g", "x")).withSparseValues(aSparse),
                    VectorRecord.of("b", new float[] {2, 0}, Map.of("g", "x")),
                    VectorRecord.of("c", new float[] {0, 5}, Map.of("g", "y"))));
            SparseValues query = SparseValues.of(new long[] {7, 4_000_000_000L}, new float[] {1.5f, 2});

            List<Match> matches = store.query(Query.builder(new float[] {1, 0}).sparseVector(query)
                    .filter(Filter.eq("g", "x")).includeValues(true).topK(5).build());

            assertThat(matches).extracting(Match::id).containsExactly("a", "b");
            assertThat(matches.get(0).score()).isEqualTo(1 + 2 * 1.5 + 1 * 2);
            assertThat(matches.get(0).sparseValues()).isEqualTo(aSparse);
            assertThat(matches.get(1).score()).isEqualTo(2.0);
            assertThat(matches.get(1).sparseValues()).isNull();
            assertThat(store.query(Query.builder(new float[] {1, 0}).sparseVector(query).build()).get(0).sparseValues())
                    .as("sparse values only when values are included").isNull();
            assertThat(store.fetch(List.of("a")).get("a").sparseValues()).isEqualTo(aSparse);
        }
    }

    @Test
    void hybridQueriesAreRefusedOnOtherMetricsNamingTheMetric() {
        try (VectorStore store = VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_METRIC", "cosine"))) {
            store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0})));

            assertThatThrownBy(() -> store.query(Query.builder(new float[] {1, 0})
                    .sparseVector(SparseValues.of(new long[] {1}, new float[] {1})).build()))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY))
                    .hasMessageContaining("cosine").hasMessageContaining("dotproduct");
        }
    }
}
