package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Filters select exactly the records the reference evaluator ({@link Filter#test}) selects: named
 * edge cases first, then hundreds of generated filters over generated metadata.
 */
public interface FilterContract extends StoreFixture {

    /** Records with a known shape, for the named cases. */
    private static List<VectorRecord> library() {
        return List.of(
                record("list-ab", Map.of("tags", List.of("a", "b"), "year", 2020)),
                record("list-empty", Map.of("tags", List.of(), "year", 2021.0)),
                record("scalar-a", Map.of("tags", "a", "year", 2019.5)),
                record("string-year", Map.of("year", "2020", "genre", "drama")),
                record("bool", Map.of("active", true, "genre", "comedy")),
                record("bare", Map.of()));
    }

    private static VectorRecord record(String id, Map<String, Object> metadata) {
        return VectorRecord.of(id, TestData.unit(DIMENSION, Math.abs(id.hashCode()) % DIMENSION), metadata);
    }

    /** The ids a filtered query returns when top-k covers every record. */
    private List<String> select(VectorStore store, Filter filter, int total) {
        List<Match> matches = store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(total).filter(filter).build());
        return StoreFixture.ids(matches);
    }

    private void assertSelects(String json, String... expectedIds) {
        VectorStore store = newStore();
        store.upsert(library());
        Filter filter = Filter.fromJson(json);

        assertThat(select(store, filter, 10)).as(json).containsExactlyInAnyOrder(expectedIds);
        List<String> reference = library().stream().filter(r -> filter.test(r.metadata())).map(VectorRecord::id).toList();
        assertThat(reference).as("reference evaluator for %s", json).containsExactlyInAnyOrder(expectedIds);
    }

    @Test
    default void eqOnAListFieldMatchesAnyElement() {
        assertSelects("{\"tags\": \"a\"}", "list-ab", "scalar-a");
        assertSelects("{\"tags\": {\"$eq\": \"b\"}}", "list-ab");
    }

    @Test
    default void inOnAListFieldMatchesAnyElementInTheList() {
        assertSelects("{\"tags\": {\"$in\": [\"b\", \"z\"]}}", "list-ab");
    }

    @Test
    default void neAndNinMatchWhenNoElementMatchesAndWhenTheFieldIsMissing() {
        assertSelects("{\"tags\": {\"$ne\": \"a\"}}", "list-empty", "string-year", "bool", "bare");
        assertSelects("{\"tags\": {\"$nin\": [\"b\", \"a\"]}}", "list-empty", "string-year", "bool", "bare");
    }

    @Test
    default void numbersCompareAsDoublesAndNeverEqualStrings() {
        assertSelects("{\"year\": 2020}", "list-ab");
        assertSelects("{\"year\": 2020.0}", "list-ab");
        assertSelects("{\"year\": \"2020\"}", "string-year");
        assertSelects("{\"year\": {\"$in\": [2021, \"2020\"]}}", "list-empty", "string-year");
    }

    @Test
    default void rangeOperatorsMatchNumericFieldsOnly() {
        assertSelects("{\"year\": {\"$gte\": 2020}}", "list-ab", "list-empty");
        assertSelects("{\"year\": {\"$lt\": 2020}}", "scalar-a");
        assertSelects("{\"year\": {\"$gt\": 2019.5, \"$lte\": 2021}}", "list-ab", "list-empty");
    }

    @Test
    default void booleansMatchBooleansOnly() {
        assertSelects("{\"active\": true}", "bool");
        assertSelects("{\"active\": {\"$ne\": true}}", "list-ab", "list-empty", "scalar-a", "string-year", "bare");
    }

    @Test
    default void existsTellsPresentFromMissing() {
        assertSelects("{\"genre\": {\"$exists\": true}}", "string-year", "bool");
        assertSelects("{\"tags\": {\"$exists\": false}}", "string-year", "bool", "bare");
    }

    @Test
    default void nestedAndOrCombine() {
        assertSelects("{\"$or\": [{\"genre\": \"drama\"}, {\"$and\": [{\"tags\": \"a\"}, {\"year\": {\"$gte\": 2020}}]}]}",
                "string-year", "list-ab");
        assertSelects("{\"genre\": {\"$in\": [\"drama\", \"comedy\"]}, \"active\": {\"$exists\": false}}", "string-year");
    }

    @Test
    default void theEmptyFilterMatchesEverything() {
        assertSelects("{}", "list-ab", "list-empty", "scalar-a", "string-year", "bool", "bare");
    }

    @Test
    default void generatedFiltersSelectWhatTheReferenceSelects() {
        VectorStore store = newStore();
        Random random = new Random(42);
        List<VectorRecord> records = TestData.randomRecords(random, 300, DIMENSION, "g");
        store.upsert(records);

        List<String> disagreements = new ArrayList<>();
        int selective = 0;
        for (int i = 0; i < 250; i++) {
            Filter filter = TestData.randomFilter(random, 3);
            List<String> expected = records.stream().filter(r -> filter.test(r.metadata())).map(VectorRecord::id).sorted().toList();
            selective += expected.isEmpty() || expected.size() == records.size() ? 0 : 1;
            List<String> actual = select(store, filter, records.size()).stream().sorted().toList();
            if (!actual.equals(expected)) {
                disagreements.add(filter.toJson() + " expected " + expected.size() + " ids, got " + actual.size());
            }
        }
        assertThat(disagreements).as("filters where the backend disagrees with the reference evaluator").isEmpty();
        assertThat(selective).as("generated filters that select some but not all records").isGreaterThan(150);
    }

    @Test
    default void deleteByGeneratedFiltersRemovesWhatTheReferenceSelects() {
        Random random = new Random(43);
        List<VectorRecord> records = TestData.randomRecords(random, 120, DIMENSION, "del");
        VectorStore store = newStore();
        for (int i = 0; i < 15; i++) {
            Filter filter = TestData.randomFilter(random, 2);
            store.deleteAll();
            store.upsert(records);

            store.deleteByFilter(filter);

            List<String> expected = records.stream().filter(r -> !filter.test(r.metadata())).map(VectorRecord::id).toList();
            assertThat(store.streamIds("").toList()).as("left after deleting %s", filter.toJson())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    default void aSelectiveFilterStillReturnsTopKRows() {
        VectorStore store = newStore();
        Random random = new Random(44);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            records.add(VectorRecord.of("sel" + i, TestData.randomVector(random, DIMENSION), Map.of("bucket", i % 50)));
        }
        store.upsert(records);

        List<Match> matches = store.query(Query.builder(TestData.randomVector(random, DIMENSION)).topK(10)
                .filter(Filter.eq("bucket", 7)).build());

        assertThat(matches).hasSize(10).allSatisfy(match -> assertThat(match.metadata().get("bucket")).isEqualTo(7.0));
    }
}
