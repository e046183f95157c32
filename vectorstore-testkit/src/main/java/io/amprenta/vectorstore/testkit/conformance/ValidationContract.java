package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.DimensionMismatchException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input is rejected before anything is written, with the right exception and a message naming the
 * culprit, and the store is left exactly as it was: a batch with one bad record stores none.
 */
public interface ValidationContract extends StoreFixture {

    private static VectorRecord good(String id) {
        return VectorRecord.of(id, TestData.unit(DIMENSION, 0), Map.of("ok", true));
    }

    /** Runs a rejected batch (a good record, then {@code bad}) and checks the error and that nothing changed. */
    private void assertRejectedBatch(VectorRecord bad, ErrorCode code, String messagePart) {
        VectorStore store = newStore();
        store.upsert(List.of(good("before")));

        assertThatThrownBy(() -> store.upsert(List.of(good("innocent"), bad)))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((VectorStoreException) e).code()).isEqualTo(code))
                .hasMessageContaining(messagePart)
                .hasMessageContaining("docs/errors.md#" + code.anchor());
        assertThat(store.stats().count("")).isEqualTo(1);
        assertThat(store.fetch(List.of("innocent", "before")).keySet()).containsExactly("before");
    }

    @Test
    default void emptyIdsAreRejected() {
        assertRejectedBatch(VectorRecord.of("", TestData.unit(DIMENSION, 0)), ErrorCode.INVALID_ID, "empty");
    }

    @Test
    default void idsLongerThan512CharactersAreRejected() {
        assertRejectedBatch(VectorRecord.of("x".repeat(513), TestData.unit(DIMENSION, 0)), ErrorCode.INVALID_ID, "513 characters");
    }

    @Test
    default void aWrongDimensionIsRejectedStatingBothNumbers() {
        assertRejectedBatch(VectorRecord.of("short", new float[] {1, 2, 3}), ErrorCode.DIMENSION_MISMATCH, "3 dimensions");
        VectorStore store = newStore();
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("long", new float[DIMENSION + 1]))))
                .isInstanceOfSatisfying(DimensionMismatchException.class, e -> {
                    assertThat(e.expected()).isEqualTo(DIMENSION);
                    assertThat(e.actual()).isEqualTo(DIMENSION + 1);
                });
    }

    @Test
    default void nanAndInfinityAreRejected() {
        float[] nan = TestData.unit(DIMENSION, 0);
        nan[3] = Float.NaN;
        float[] infinite = TestData.unit(DIMENSION, 0);
        infinite[5] = Float.NEGATIVE_INFINITY;
        assertRejectedBatch(VectorRecord.of("nan", nan), ErrorCode.NON_FINITE_VALUE, "position 3");
        assertRejectedBatch(VectorRecord.of("inf", infinite), ErrorCode.NON_FINITE_VALUE, "position 5");
    }

    @ParameterizedTest
    @EnumSource(DistanceMetric.class)
    default void allZeroVectorsAreRejectedUnderEveryMetric(DistanceMetric metric) {
        VectorStore store = newStore(DIMENSION, metric);

        assertThatThrownBy(() -> store.upsert(List.of(good("fine"), VectorRecord.of("zero", new float[DIMENSION]))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ZERO_VECTOR))
                .hasMessageContaining("'zero'");
        assertInvalid(() -> store.query(Query.builder(new float[DIMENSION]).build()), ErrorCode.ZERO_VECTOR);
        assertThat(store.stats().count("")).isZero();
    }

    @Test
    default void metadataOver40KilobytesIsRejected() {
        assertRejectedBatch(VectorRecord.of("fat", TestData.unit(DIMENSION, 0), Map.of("body", "x".repeat(41_000))),
                ErrorCode.METADATA_TOO_LARGE, "'fat'");
    }

    @Test
    default void metadataJustUnderTheLimitIsAccepted() {
        VectorStore store = newStore();
        String body = "y".repeat(40 * 1024 - "{\"body\":\"\"}".length());
        store.upsert(List.of(VectorRecord.of("lean", TestData.unit(DIMENSION, 0), Map.of("body", body))));
        assertThat(store.fetch(List.of("lean")).get("lean").metadata().get("body")).isEqualTo(body);
    }

    @Test
    default void unsupportedMetadataTypesAreRejectedWhenTheRecordIsBuilt() {
        assertThatThrownBy(() -> VectorRecord.of("nested", TestData.unit(DIMENSION, 0), Map.of("inner", Map.of("a", 1))))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_METADATA))
                .hasMessageContaining("'nested'").hasMessageContaining("'inner'");
        assertThatThrownBy(() -> VectorRecord.of("numbers", TestData.unit(DIMENSION, 0), Map.of("list", List.of(1, 2))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("strings only");
    }

    @Test
    default void nulCharactersThatPostgresCannotStoreAreRejected() {
        assertRejectedBatch(VectorRecord.of("nul\0id", TestData.unit(DIMENSION, 0)), ErrorCode.INVALID_ID, "NUL");
        assertRejectedBatch(VectorRecord.of("nul-meta", TestData.unit(DIMENSION, 0), Map.of("text", "a\0b")),
                ErrorCode.UNSUPPORTED_METADATA, "NUL");
    }

    @Test
    default void malformedFiltersAreRejectedQuotingTheProblem() {
        assertThatThrownBy(() -> Filter.fromJson("{\"genre\": {\"$regex\": \"dr.*\"}}"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("$regex");
        assertThatThrownBy(() -> Filter.fromJson("{\"year\": {\"$gt\": \"2020\"}}"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("\"year\"");
        assertThatThrownBy(() -> Filter.fromJson("{\"genre\": "))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    default void badQueriesAreRejected() {
        VectorStore store = newStore();
        store.upsert(List.of(good("a")));
        float[] nan = TestData.unit(DIMENSION, 0);
        nan[0] = Float.NaN;

        assertInvalid(() -> store.query(Query.builder(new float[DIMENSION - 1]).build()), ErrorCode.DIMENSION_MISMATCH);
        assertInvalid(() -> store.query(Query.builder(nan).build()), ErrorCode.NON_FINITE_VALUE);
        assertInvalid(() -> store.query(Query.builder(new float[DIMENSION]).build()), ErrorCode.ZERO_VECTOR);
        assertInvalid(() -> Query.builder(TestData.unit(DIMENSION, 0)).topK(0).build(), ErrorCode.INVALID_QUERY);
        assertInvalid(() -> Query.builder(TestData.unit(DIMENSION, 0)).topK(10_001).build(), ErrorCode.INVALID_QUERY);
    }

    @Test
    default void badIdsInFetchAndDeleteAreRejectedAndDeleteNothing() {
        VectorStore store = newStore();
        store.upsert(List.of(good("keep")));

        assertInvalid(() -> store.fetch(List.of("keep", "")), ErrorCode.INVALID_ID);
        assertInvalid(() -> store.delete(List.of("keep", "y".repeat(600))), ErrorCode.INVALID_ID);
        assertThat(store.fetch(List.of("keep"))).hasSize(1);
    }

    private static void assertInvalid(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
