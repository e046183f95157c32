package io.amprenta.vectorstore.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.filter.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

class FilterExpressionsTest {

    private final FilterExpressionTextParser parser = new FilterExpressionTextParser();

    @Test
    void theTextDslBecomesPineconesLanguage() {
        Filter filter = FilterExpressions.translate(parser.parse(
                "country == 'BG' && (year >= 2020 || genre in ['drama', 'comedy']) && \"isOpen\" == true && city != 'Sofia'"));
        assertThat(filter).isEqualTo(Filter.and(
                Filter.and(Filter.and(Filter.eq("country", "BG"),
                        Filter.or(Filter.gte("year", 2020), Filter.in("genre", "drama", "comedy"))),
                        Filter.eq("isOpen", true)),
                Filter.ne("city", "Sofia")));
    }

    @Test
    void notIsPushedDownAsSpringAiNegatesIt() {
        assertThat(FilterExpressions.translate(parser.parse("NOT (year > 2020 && country in ['BG'])")))
                .isEqualTo(Filter.or(Filter.lte("year", 2020), Filter.nin("country", "BG")));
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        assertThat(FilterExpressions.translate(b.not(b.isNull("owner")).build())).isEqualTo(Filter.exists("owner"));
        assertThat(FilterExpressions.translate(parser.parse("owner IS NULL"))).isEqualTo(Filter.notExists("owner"));
    }

    @Test
    void rangesOverStringsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> FilterExpressions.translate(parser.parse("name > 'b'")))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("'name'").hasMessageContaining("numbers only");
    }
}
