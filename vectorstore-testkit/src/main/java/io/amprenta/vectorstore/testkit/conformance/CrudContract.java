package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Writing, reading back, overwriting and deleting records; values and metadata survive exactly. */
public interface CrudContract extends StoreFixture {

    @Test
    default void upsertedRecordsAreFetchedBackExactly() {
        VectorStore store = newStore();
        List<VectorRecord> records = TestData.randomRecords(new Random(1), 20, DIMENSION, "doc-");
        store.upsert(records);

        Map<String, VectorRecord> fetched = store.fetch(records.stream().map(VectorRecord::id).toList());

        assertThat(fetched).hasSize(20);
        records.forEach(record -> assertThat(fetched.get(record.id())).isEqualTo(record));
    }

    @Test
    default void metadataOfEveryTypeRoundTripsWithNumbersAsDoubles() {
        VectorStore store = newStore();
        Map<String, Object> metadata = Map.of(
                "title", "Ünïcødé ✓ \"quoted\" and 'single' \\ backslash",
                "count", 7,
                "big", 9_007_199_254_740_991L,
                "ratio", 0.125f,
                "negative", -3.5,
                "flag", false,
                "tags", List.of("x", "y", ""),
                "empty", List.of());
        store.upsert(List.of(VectorRecord.of("typed", TestData.unit(DIMENSION, 0), metadata)));

        Map<String, Object> back = store.fetch(List.of("typed")).get("typed").metadata();

        assertThat(back).containsOnlyKeys(metadata.keySet());
        assertThat(back.get("title")).isEqualTo(metadata.get("title"));
        assertThat(back.get("count")).isEqualTo(7.0);
        assertThat(back.get("big")).isEqualTo(9.007199254740991E15);
        assertThat(back.get("ratio")).isEqualTo(0.125);
        assertThat(back.get("negative")).isEqualTo(-3.5);
        assertThat(back.get("flag")).isEqualTo(false);
        assertThat(back.get("tags")).isEqualTo(List.of("x", "y", ""));
        assertThat(back.get("empty")).isEqualTo(List.of());
    }

    @Test
    default void valuesRoundTripBitForBit() {
        VectorStore store = newStore();
        float[] awkward = {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, 3.4e38f, -0.1f, 1f / 3, (float) Math.PI, -1e10f};
        store.upsert(List.of(VectorRecord.of("awkward", awkward)));

        assertThat(store.fetch(List.of("awkward")).get("awkward").values()).containsExactly(awkward);
    }

    @Test
    default void upsertOverwritesValuesAndReplacesMetadata() {
        VectorStore store = newStore();
        store.upsert(List.of(VectorRecord.of("doc", TestData.unit(DIMENSION, 0), Map.of("v", 1, "old", "yes"))));
        store.upsert(List.of(VectorRecord.of("doc", TestData.unit(DIMENSION, 1), Map.of("v", 2))));

        VectorRecord back = store.fetch(List.of("doc")).get("doc");

        assertThat(back.values()).containsExactly(TestData.unit(DIMENSION, 1));
        assertThat(back.metadata()).isEqualTo(Map.of("v", 2.0));
        assertThat(store.stats().count("")).isEqualTo(1);
    }

    @Test
    default void theLastOfDuplicateIdsInOneBatchWins() {
        VectorStore store = newStore();
        store.upsert(List.of(
                VectorRecord.of("dup", TestData.unit(DIMENSION, 0), Map.of("n", 1)),
                VectorRecord.of("other", TestData.unit(DIMENSION, 2)),
                VectorRecord.of("dup", TestData.unit(DIMENSION, 1), Map.of("n", 2))));

        assertThat(store.fetch(List.of("dup")).get("dup").metadata()).isEqualTo(Map.of("n", 2.0));
        assertThat(store.stats().count("")).isEqualTo(2);
    }

    @Test
    default void fetchLeavesOutMissingIdsAndAcceptsRepeats() {
        VectorStore store = newStore();
        store.upsert(List.of(VectorRecord.of("here", TestData.unit(DIMENSION, 0))));

        assertThat(store.fetch(List.of("here", "missing", "here")).keySet()).containsExactly("here");
        assertThat(store.fetch(List.of())).isEmpty();
    }

    @Test
    default void largeBatchesAreSplitAndAllWritten() {
        VectorStore store = newStore();
        List<VectorRecord> records = TestData.randomRecords(new Random(2), 2_500, DIMENSION, "bulk-");
        store.upsert(records);

        assertThat(store.stats().count("")).isEqualTo(2_500);
        List<String> ids = records.stream().map(VectorRecord::id).toList();
        Map<String, VectorRecord> fetched = store.fetch(ids);
        assertThat(fetched).hasSize(2_500);
        assertThat(fetched.get("bulk-2499")).isEqualTo(records.get(2_499));

        store.delete(ids.subList(0, 2_200));
        assertThat(store.stats().count("")).isEqualTo(300);
    }

    @Test
    default void deleteRemovesOnlyTheGivenIdsAndIgnoresUnknownOnes() {
        VectorStore store = newStore();
        store.upsert(TestData.randomRecords(new Random(3), 5, DIMENSION, "d"));

        store.delete(List.of("d1", "d3", "never-existed"));

        assertThat(store.fetch(List.of("d0", "d1", "d2", "d3", "d4")).keySet()).containsExactlyInAnyOrder("d0", "d2", "d4");
        store.delete(List.of());
        assertThat(store.stats().count("")).isEqualTo(3);
    }

    @Test
    default void deleteByFilterRemovesExactlyTheMatchingRecords() {
        VectorStore store = newStore();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(VectorRecord.of("r" + i, TestData.unit(DIMENSION, i % DIMENSION),
                    Map.of("genre", i % 3 == 0 ? "drama" : "comedy", "year", 2000 + i)));
        }
        store.upsert(records);

        store.deleteByFilter(Filter.and(Filter.eq("genre", "drama"), Filter.gte("year", 2010)));

        List<String> remaining = store.streamIds("").toList();
        List<String> expected = records.stream()
                .filter(record -> !(record.metadata().get("genre").equals("drama") && (Double) record.metadata().get("year") >= 2010))
                .map(VectorRecord::id).toList();
        assertThat(remaining).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    default void deleteAllEmptiesTheNamespace() {
        VectorStore store = newStore();
        store.upsert(TestData.randomRecords(new Random(4), 10, DIMENSION, "x"));

        store.deleteAll();

        assertThat(store.stats().count("")).isZero();
        assertThat(store.fetch(List.of("x0", "x9"))).isEmpty();
        assertThat(store.query(StoreFixture.everything(TestData.unit(DIMENSION, 0), 10))).isEmpty();
    }

    @Test
    default void anEmptyUpsertIsANoOp() {
        VectorStore store = newStore();
        store.upsert(List.of());
        assertThat(store.stats().count("")).isZero();
    }
}
