package io.amprenta.vectorstore.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidFilterException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterJsonTest {

    @Test
    void parsesEveryOperatorIntoTheSameTreeAsTheBuilders() {
        assertThat(Filter.fromJson("{\"genre\": {\"$eq\": \"drama\"}}")).isEqualTo(Filter.eq("genre", "drama"));
        assertThat(Filter.fromJson("{\"genre\": {\"$ne\": \"drama\"}}")).isEqualTo(Filter.ne("genre", "drama"));
        assertThat(Filter.fromJson("{\"year\": {\"$gt\": 2020}}")).isEqualTo(Filter.gt("year", 2020));
        assertThat(Filter.fromJson("{\"year\": {\"$gte\": 2020.5}}")).isEqualTo(Filter.gte("year", 2020.5));
        assertThat(Filter.fromJson("{\"year\": {\"$lt\": -1}}")).isEqualTo(Filter.lt("year", -1));
        assertThat(Filter.fromJson("{\"year\": {\"$lte\": 0}}")).isEqualTo(Filter.lte("year", 0));
        assertThat(Filter.fromJson("{\"genre\": {\"$in\": [\"drama\", 1]}}")).isEqualTo(Filter.in("genre", "drama", 1));
        assertThat(Filter.fromJson("{\"genre\": {\"$nin\": [\"x\"]}}")).isEqualTo(Filter.nin("genre", "x"));
        assertThat(Filter.fromJson("{\"genre\": {\"$exists\": true}}")).isEqualTo(Filter.exists("genre"));
        assertThat(Filter.fromJson("{\"genre\": {\"$exists\": false}}")).isEqualTo(Filter.notExists("genre"));
        assertThat(Filter.fromJson("{\"active\": {\"$eq\": true}}")).isEqualTo(Filter.eq("active", true));
    }

    @Test
    void aBareValueMeansEqAndSeveralFieldsMeanAnd() {
        assertThat(Filter.fromJson("{\"genre\": \"drama\", \"year\": 2020}"))
                .isEqualTo(Filter.and(Filter.eq("genre", "drama"), Filter.eq("year", 2020)));
        assertThat(Filter.fromJson("{\"year\": {\"$gte\": 2000, \"$lt\": 2010}}"))
                .isEqualTo(Filter.and(Filter.gte("year", 2000), Filter.lt("year", 2010)));
    }

    @Test
    void logicalOperatorsNest() {
        Filter parsed = Filter.fromJson("{\"$or\": [{\"genre\": \"drama\"}, {\"$and\": [{\"year\": {\"$gt\": 1}}, {\"x\": true}]}]}");
        assertThat(parsed).isEqualTo(Filter.or(Filter.eq("genre", "drama"), Filter.and(Filter.gt("year", 1), Filter.eq("x", true))));
    }

    @Test
    void integersAndDoublesAreTheSameNumber() {
        assertThat(Filter.fromJson("{\"n\": 1}")).isEqualTo(Filter.fromJson("{\"n\": 1.0}")).isEqualTo(Filter.eq("n", 1L));
    }

    @Test
    void theEmptyObjectMatchesEverything() {
        assertThat(Filter.fromJson("{}")).isEqualTo(Filter.all());
        assertThat(Filter.all().toJson()).isEqualTo("{}");
        assertThat(Filter.all().test(Map.of())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"genre\": {\"$in\": [\"drama\", 2]}, \"year\": {\"$gte\": 2020.5, \"$lt\": 2030}}",
        "{\"$or\": [{\"a\": true}, {\"b\": {\"$exists\": false}}, {\"$and\": [{\"c\": {\"$ne\": \"x\"}}]}]}",
        "{\"big\": 9007199254740993, \"small\": 1e-300, \"neg\": -0.5}",
        "{}"
    })
    void toJsonRoundTrips(String json) {
        Filter filter = Filter.fromJson(json);
        assertThat(Filter.fromJson(filter.toJson())).isEqualTo(filter);
    }

    @Test
    void integralNumbersAreWrittenWithoutAFraction() {
        assertThat(Filter.eq("year", 2020).toJson()).isEqualTo("{\"year\":{\"$eq\":2020}}");
        assertThat(Filter.gt("score", 0.5).toJson()).isEqualTo("{\"score\":{\"$gt\":0.5}}");
        assertThat(Filter.and(Filter.eq("a", "x"), Filter.in("b", "y")).toJson())
                .isEqualTo("{\"$and\":[{\"a\":{\"$eq\":\"x\"}},{\"b\":{\"$in\":[\"y\"]}}]}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"genre\": {\"$regex\": \"dr.*\"}}          | Unsupported operator \"$regex\" in {\"genre\":{\"$regex\":\"dr.*\"}}",
        "{\"$not\": {\"genre\": \"drama\"}}              | Unsupported operator \"$not\"",
        "{\"$eq\": \"drama\"}                            | Comparison operators go inside a field",
        "{\"year\": {\"$gt\": \"2020\"}}                 | \"year\", $gt needs a number (range operators compare numbers only) but got \"2020\"",
        "{\"year\": {\"$gt\": true}}                     | $gt needs a number",
        "{\"genre\": [\"drama\", \"comedy\"]}            | {\"genre\": {\"$in\": [\"drama\",\"comedy\"]}}",
        "{\"genre\": null}                               | {\"genre\": {\"$exists\": false}}",
        "{\"genre\": {}}                                 | has no operator",
        "{\"genre\": {\"$in\": []}}                      | non-empty list",
        "{\"genre\": {\"$in\": \"drama\"}}               | non-empty list",
        "{\"genre\": {\"$in\": [true]}}                  | true is not a string or a number",
        "{\"genre\": {\"$in\": [[\"x\"]]}}               | [\"x\"] is not a string or a number",
        "{\"genre\": {\"$eq\": {\"a\": 1}}}              | $eq cannot take {\"a\":1}",
        "{\"genre\": {\"$exists\": \"yes\"}}             | $exists needs true or false",
        "{\"$and\": []}                                  | $and needs a non-empty array",
        "{\"$or\": {\"a\": 1}}                           | $or needs a non-empty array",
        "{\"$and\": [{}]}                                | Expected a non-empty filter object but found {}",
        "{\"$and\": [\"genre\"]}                         | Expected a non-empty filter object but found \"genre\"",
        "[1, 2]                                          | Expected a non-empty filter object but found [1,2]",
        "{\"genre\": \"drama\"                           | not valid JSON",
        "{\"\": 1}                                       | must be non-empty",
    })
    void malformedFiltersAreRejectedQuotingTheFragment(String json, String expectedMessagePart) {
        assertThatThrownBy(() -> Filter.fromJson(json))
                .isInstanceOfSatisfying(InvalidFilterException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FILTER))
                .hasMessageContaining(expectedMessagePart)
                .hasMessageContaining("docs/errors.md#invalid-filter");
    }

    @Test
    void blankInputIsRejectedWithAnExample() {
        assertThatThrownBy(() -> Filter.fromJson("  ")).isInstanceOf(InvalidFilterException.class).hasMessageContaining("{}");
        assertThatThrownBy(() -> Filter.fromJson(null)).isInstanceOf(InvalidFilterException.class);
    }

    @Test
    void longFragmentsAreAbbreviatedInMessages() {
        String json = "{\"genre\": {\"$regex\": \"" + "x".repeat(1_000) + "\"}}";
        assertThatThrownBy(() -> Filter.fromJson(json)).hasMessageContaining("...").satisfies(e -> assertThat(e.getMessage().length()).isLessThan(600));
    }

    @Test
    void buildersRejectWhatJsonCannotSay() {
        assertThatThrownBy(() -> Filter.and()).isInstanceOf(InvalidFilterException.class).hasMessageContaining("Filter.all()");
        assertThatThrownBy(() -> Filter.or(List.of())).isInstanceOf(InvalidFilterException.class);
        assertThatThrownBy(() -> Filter.gt("x", Double.NaN)).isInstanceOf(InvalidFilterException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> Filter.eq("$x", 1)).isInstanceOf(InvalidFilterException.class).hasMessageContaining("'$'");
        assertThatThrownBy(() -> Filter.eq("x", List.of("a"))).isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("a string, a number or a boolean");
        assertThatThrownBy(() -> Filter.in("x", new Object[] {null})).isInstanceOf(InvalidFilterException.class);
    }
}
