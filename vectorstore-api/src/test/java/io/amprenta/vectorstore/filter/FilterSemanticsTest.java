package io.amprenta.vectorstore.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference evaluator, case by case: the filter semantics of the README ("What every backend promises") written as a table. */
class FilterSemanticsTest {

    private static final Map<String, Map<String, Object>> RECORDS = Map.of(
            "list", Map.of("tags", List.of("a", "b"), "n", 2.0),
            "emptyList", Map.of("tags", List.of()),
            "scalar", Map.of("tags", "a", "n", 1),
            "text", Map.of("n", "2", "flag", "true"),
            "bool", Map.of("flag", true),
            "none", Map.of());

    @ParameterizedTest(name = "{0} on {1} is {2}")
    @CsvSource(delimiter = '|', value = {
        // $eq / $in on list fields: any element
        "{\"tags\": \"a\"}                       | list      | true",
        "{\"tags\": \"c\"}                       | list      | false",
        "{\"tags\": \"a\"}                       | emptyList | false",
        "{\"tags\": {\"$in\": [\"x\", \"b\"]}}   | list      | true",
        "{\"tags\": {\"$in\": [\"x\"]}}          | list      | false",
        // $ne / $nin: no element, and missing fields match
        "{\"tags\": {\"$ne\": \"a\"}}            | list      | false",
        "{\"tags\": {\"$ne\": \"c\"}}            | list      | true",
        "{\"tags\": {\"$ne\": \"a\"}}            | emptyList | true",
        "{\"tags\": {\"$ne\": \"a\"}}            | none      | true",
        "{\"tags\": {\"$nin\": [\"b\"]}}         | list      | false",
        "{\"tags\": {\"$nin\": [\"c\"]}}         | list      | true",
        "{\"tags\": {\"$nin\": [\"c\"]}}         | none      | true",
        "{\"tags\": {\"$eq\": \"a\"}}            | none      | false",
        "{\"tags\": {\"$in\": [\"a\"]}}          | none      | false",
        // numbers as doubles, never equal to strings
        "{\"n\": 2}                              | list      | true",
        "{\"n\": 2.0}                            | list      | true",
        "{\"n\": 1.0}                            | scalar    | true",
        "{\"n\": \"2\"}                          | list      | false",
        "{\"n\": 2}                              | text      | false",
        "{\"n\": \"2\"}                          | text      | true",
        "{\"n\": {\"$in\": [\"2\"]}}             | list      | false",
        "{\"n\": {\"$in\": [2]}}                 | text      | false",
        "{\"n\": {\"$ne\": 2}}                   | text      | true",
        // ranges: numeric fields only
        "{\"n\": {\"$gt\": 1}}                   | list      | true",
        "{\"n\": {\"$gt\": 2}}                   | list      | false",
        "{\"n\": {\"$gte\": 2}}                  | list      | true",
        "{\"n\": {\"$lt\": 2}}                   | scalar    | true",
        "{\"n\": {\"$lte\": 0.5}}                | scalar    | false",
        "{\"n\": {\"$gt\": 0}}                   | text      | false",
        "{\"n\": {\"$lt\": 100}}                 | text      | false",
        "{\"n\": {\"$gt\": 0}}                   | none      | false",
        "{\"tags\": {\"$gt\": 0}}                | list      | false",
        // booleans
        "{\"flag\": true}                        | bool      | true",
        "{\"flag\": true}                        | text      | false",
        "{\"flag\": \"true\"}                    | bool      | false",
        "{\"flag\": {\"$ne\": true}}             | none      | true",
        // $exists
        "{\"tags\": {\"$exists\": true}}         | emptyList | true",
        "{\"tags\": {\"$exists\": false}}        | emptyList | false",
        "{\"tags\": {\"$exists\": false}}        | none      | true",
        // logic
        "{\"tags\": \"a\", \"n\": 1}             | scalar    | true",
        "{\"tags\": \"a\", \"n\": 2}             | scalar    | false",
        "{\"$or\": [{\"n\": 5}, {\"tags\": \"b\"}]}                       | list   | true",
        "{\"$or\": [{\"n\": 5}, {\"tags\": \"b\"}]}                       | scalar | false",
        "{\"$and\": [{\"$or\": [{\"n\": 1}, {\"n\": 2}]}, {\"tags\": {\"$ne\": \"b\"}}]} | scalar | true",
        "{\"$and\": [{\"$or\": [{\"n\": 1}, {\"n\": 2}]}, {\"tags\": {\"$ne\": \"b\"}}]} | list   | false",
        "{}                                      | none      | true",
    })
    void evaluates(String json, String record, boolean expected) {
        assertThat(Filter.fromJson(json).test(RECORDS.get(record))).isEqualTo(expected);
    }
}
