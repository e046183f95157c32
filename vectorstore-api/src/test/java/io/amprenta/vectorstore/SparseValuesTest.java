package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.spi.Limits;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Sparse values: an immutable value, carried by records, and checked by {@link Limits} as Pinecone checks them. */
class SparseValuesTest {

    private static final float[] DENSE = {1, 0};

    private static VectorRecord record(long[] indices, float[] values) {
        return VectorRecord.of("doc-1", DENSE).withSparseValues(SparseValues.of(indices, values));
    }

    private static void assertRejected(VectorRecord record, ErrorCode code, String... messageParts) {
        assertThatThrownBy(() -> Limits.checkRecord(record, OptionalInt.of(2), true))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining("'doc-1'")
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void arraysAreCopiedInAndOut() {
        long[] indices = {1, 5};
        float[] values = {0.5f, 0.25f};
        SparseValues sparse = SparseValues.of(indices, values);
        indices[0] = 99;
        values[0] = 99;
        sparse.indices()[1] = 99;
        sparse.values()[1] = 99;

        assertThat(sparse.indices()).containsExactly(1, 5);
        assertThat(sparse.values()).containsExactly(0.5f, 0.25f);
    }

    @Test
    void unsignedIntIndicesAreWidened() {
        assertThat(SparseValues.ofUnsigned(new int[] {3, -1}, new float[] {1, 2}).indices())
                .containsExactly(3, SparseValues.MAX_INDEX);
    }

    @Test
    void recordsCarrySparseValuesInEqualsHashCodeAndToString() {
        VectorRecord plain = VectorRecord.of("a", DENSE, Map.of("k", "v"));
        VectorRecord sparse = plain.withSparseValues(SparseValues.of(new long[] {7}, new float[] {0.5f}));
        VectorRecord same = VectorRecord.of("a", DENSE, Map.of("k", "v")).withSparseValues(SparseValues.of(new long[] {7}, new float[] {0.5f}));

        assertThat(plain.hasSparseValues()).isFalse();
        assertThat(sparse).isNotEqualTo(plain).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(sparse.toString()).contains("sparseValues=SparseValues[size=1]");
        assertThat(sparse.withMetadata(Map.of()).sparseValues()).isEqualTo(sparse.sparseValues());
        assertThat(sparse.withValues(new float[] {0, 1}).sparseValues()).isEqualTo(sparse.sparseValues());
        assertThat(sparse.withSparseValues(null)).isEqualTo(plain);
    }

    @Test
    void dotProductSumsTheSharedIndices() {
        SparseValues a = SparseValues.of(new long[] {1, 4, SparseValues.MAX_INDEX}, new float[] {2, 3, 0.5f});
        SparseValues b = SparseValues.of(new long[] {0, 4, SparseValues.MAX_INDEX}, new float[] {9, 2, 4});

        assertThat(a.dot(b)).isEqualTo(3 * 2 + 0.5 * 4);
        assertThat(b.dot(a)).isEqualTo(a.dot(b));
    }

    @Test
    void validSparseValuesPass() {
        Limits.checkRecord(record(new long[] {0, 17, SparseValues.MAX_INDEX}, new float[] {0.1f, -2, 0}), OptionalInt.of(2), true);
        long[] full = new long[Limits.MAX_SPARSE_VALUES];
        for (int i = 0; i < full.length; i++) {
            full[i] = i * 3L;
        }
        Limits.checkRecord(record(full, new float[full.length]), OptionalInt.of(2), true);
    }

    @Test
    void writersThatDoNotSayTheyKeepSparseValuesRefuseThemRatherThanDropThem() {
        // The pgvector table's own write path (used by the migrator) checks records this way.
        VectorRecord sparse = record(new long[] {1}, new float[] {1});

        assertThatThrownBy(() -> Limits.checkRecord(sparse, OptionalInt.of(2)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                .hasMessageContainingAll("'doc-1'", "cannot store them", "nothing was written");
        assertThatThrownBy(() -> Limits.checkRecord(sparse, OptionalInt.of(2), false))
                .isInstanceOf(InvalidRequestException.class);
        Limits.checkRecord(sparse, OptionalInt.of(2), true);
        Limits.checkRecord(VectorRecord.of("dense", DENSE), OptionalInt.of(2));
    }

    @Test
    void badSparseValuesAreRejectedNamingTheRecordAndTheProblem() {
        assertRejected(record(new long[] {5, 3}, new float[] {1, 1}), ErrorCode.INVALID_SPARSE_VALUES, "unsorted", "3 at position 1");
        assertRejected(record(new long[] {3, 3}, new float[] {1, 1}), ErrorCode.INVALID_SPARSE_VALUES, "duplicate", "3");
        assertRejected(record(new long[] {-1}, new float[] {1}), ErrorCode.INVALID_SPARSE_VALUES, "out of range", "-1");
        assertRejected(record(new long[] {SparseValues.MAX_INDEX + 1}, new float[] {1}), ErrorCode.INVALID_SPARSE_VALUES,
                "out of range", "4294967296");
        assertRejected(record(new long[] {1, 2}, new float[] {1}), ErrorCode.INVALID_SPARSE_VALUES, "2 indices but 1 values");
        assertRejected(record(new long[] {}, new float[] {}), ErrorCode.INVALID_SPARSE_VALUES, "empty");
        assertRejected(record(new long[] {1, 2}, new float[] {1, Float.NaN}), ErrorCode.NON_FINITE_VALUE, "NaN", "position 1");
        long[] tooMany = new long[Limits.MAX_SPARSE_VALUES + 1];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = i;
        }
        assertRejected(record(tooMany, new float[tooMany.length]), ErrorCode.INVALID_SPARSE_VALUES, "1001 sparse values", "1000");
    }

    @Test
    void wrappersReportTheCapabilityOfTheStoreTheyWrap() {
        try (VectorStore memory = io.amprenta.vectorstore.memory.MemoryVectorStore.builder().dimension(2).build()) {
            VectorStore observed = io.amprenta.vectorstore.observe.ObservedVectorStore.wrap(memory);

            assertThat(memory.supportsSparseValues()).isTrue();
            assertThat(observed.supportsSparseValues()).isTrue();
            assertThat(observed.inNamespace("other").supportsSparseValues()).isTrue();
        }
    }
}
