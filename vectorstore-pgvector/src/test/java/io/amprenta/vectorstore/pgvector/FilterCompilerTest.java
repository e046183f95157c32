package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.filter.Filter;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterCompilerTest {

    private final FilterCompiler compiler = new FilterCompiler("\"metadata\"");

    @Test
    void keysAndValuesAreParametersNeverSqlText() {
        String evilKey = "x') OR TRUE; DROP TABLE rag_chunks; --";
        String evilValue = "'; DELETE FROM rag_chunks; --";
        List<Filter> filters = List.of(Filter.eq(evilKey, evilValue), Filter.ne(evilKey, evilValue),
                Filter.in(evilKey, evilValue, 1), Filter.nin(evilKey, evilValue), Filter.gt(evilKey, 3),
                Filter.lte(evilKey, 3), Filter.exists(evilKey), Filter.notExists(evilKey));
        for (Filter filter : filters) {
            SqlFragment sql = compiler.compile(filter);
            assertThat(sql.sql()).as(filter.toJson()).doesNotContain("DROP", "DELETE", "OR TRUE", "x'");
            assertThat(sql.sql().chars().filter(c -> c == '?').count()).isEqualTo(sql.parameters().size());
            assertThat(sql.parameters()).as("the key travels as a parameter")
                    .anySatisfy(parameter -> assertThat(parameter.toString()).contains("DROP TABLE"));
        }
    }

    @Test
    void equalityOnAStringAlsoLooksInsideListFields() {
        SqlFragment sql = compiler.compile(Filter.eq("tags", "a"));

        assertThat(sql.sql()).isEqualTo("\"metadata\" @> ?::jsonb OR \"metadata\" @> ?::jsonb");
        assertThat(sql.parameters()).containsExactly("{\"tags\":\"a\"}", "{\"tags\":[\"a\"]}");
    }

    @Test
    void numbersAndBooleansAreMatchedByTypedContainment() {
        assertThat(compiler.compile(Filter.eq("year", 2020)).parameters()).containsExactly("{\"year\":2020.0}");
        assertThat(compiler.compile(Filter.eq("active", true)).parameters()).containsExactly("{\"active\":true}");
    }

    @Test
    void negationsCoalesceSoThatMissingFieldsAndNullMetadataMatch() {
        SqlFragment sql = compiler.compile(Filter.ne("genre", "drama"));

        assertThat(sql.sql()).startsWith("NOT coalesce((").endsWith("), FALSE)");
    }

    @Test
    void rangesCompareOnlyJsonNumbersAsDoubles() {
        SqlFragment sql = compiler.compile(Filter.gte("year", 2020.5));

        assertThat(sql.sql()).isEqualTo("CASE WHEN jsonb_typeof(\"metadata\" -> ?::text) = 'number'"
                + " THEN (\"metadata\" -> ?::text)::float8 >= ? ELSE FALSE END");
        assertThat(sql.parameters()).containsExactly("year", "year", 2020.5);
    }

    @Test
    void existsTreatsJsonNullAsMissing() {
        assertThat(compiler.compile(Filter.exists("f")).sql())
                .isEqualTo("coalesce(jsonb_typeof(\"metadata\" -> ?::text), 'null') <> 'null'");
    }

    @Test
    void logicalOperatorsNestInParentheses() {
        SqlFragment sql = compiler.compile(Filter.or(Filter.eq("a", 1), Filter.and(Filter.eq("b", 2), Filter.exists("c"))));

        assertThat(sql.sql()).isEqualTo("(\"metadata\" @> ?::jsonb) OR ((\"metadata\" @> ?::jsonb) AND"
                + " (coalesce(jsonb_typeof(\"metadata\" -> ?::text), 'null') <> 'null'))");
        assertThat(compiler.compile(Filter.all()).sql()).isEqualTo("TRUE");
    }
}
