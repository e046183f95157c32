package io.amprenta.vectorstore.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.store.embedding.filter.logical.Not;
import io.amprenta.vectorstore.filter.Filter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilterMapperTest {

    @Test
    void comparisonsPineconeHasMapOneToOne() {
        UUID uuid = UUID.randomUUID();
        assertThat(FilterMapper.translate(metadataKey("k").isEqualTo(uuid)).pushdown()).isEqualTo(Filter.eq("k", uuid.toString()));
        assertThat(FilterMapper.translate(metadataKey("k").isEqualTo(1.1f)).pushdown()).isEqualTo(Filter.eq("k", (double) 1.1f));
        assertThat(FilterMapper.translate(metadataKey("k").isIn(1, 2L)).pushdown()).isEqualTo(Filter.in("k", 1.0, 2.0));
        FilterMapper.Translation range = FilterMapper.translate(
                metadataKey("k").isGreaterThan(1).and(metadataKey("j").isNotIn("a")));
        assertThat(range.exact()).isTrue();
        assertThat(range.pushdown()).isEqualTo(Filter.and(Filter.gt("k", 1), Filter.nin("j", "a")));
    }

    @Test
    void notIsPushedToTheLeavesWithLangChain4jsMeaningOfAMissingKey() {
        FilterMapper.Translation translation = FilterMapper.translate(
                new Not(metadataKey("k").isGreaterThan(5).or(metadataKey("name").isEqualTo("x"))));
        assertThat(translation.exact()).isTrue();
        assertThat(translation.pushdown()).isEqualTo(Filter.and(
                Filter.or(Filter.notExists("k"), Filter.lte("k", 5)), Filter.ne("name", "x")));
        assertThat(translation.pushdown().test(Map.of())).isTrue();
        assertThat(translation.pushdown().test(Map.of("k", 6.0))).isFalse();
    }

    @Test
    void stringRangesAndContainsRunOnTheReturnedRecords() {
        FilterMapper.Translation gt = FilterMapper.translate(metadataKey("k").isGreaterThan("b"));
        assertThat(gt.exact()).isFalse();
        assertThat(gt.pushdown()).isEqualTo(Filter.exists("k"));
        assertThat(gt.residual().test(Map.of("k", "c"))).isTrue();
        assertThat(gt.residual().test(Map.of("k", "b"))).isFalse();
        assertThat(gt.residual().test(Map.of("k", 3.0))).isFalse();

        FilterMapper.Translation notContains = FilterMapper.translate(new Not(metadataKey("k").containsString("ab")));
        assertThat(notContains.pushdown()).isNull();
        assertThat(notContains.residual().test(Map.of())).isTrue();
        assertThat(notContains.residual().test(Map.of("k", "xaby"))).isFalse();
        assertThat(notContains.residual().test(Map.of("k", "xy"))).isTrue();

        FilterMapper.Translation mixed = FilterMapper.translate(
                metadataKey("a").isEqualTo(1).or(metadataKey("k").isLessThan("m")));
        assertThat(mixed.pushdown()).isEqualTo(Filter.or(List.of(Filter.eq("a", 1), Filter.exists("k"))));
        assertThat(mixed.residual().test(Map.of("k", "z"))).isFalse();
        assertThat(mixed.residual().test(Map.of("k", "a"))).isTrue();
    }

    @Test
    void unsupportedOperandsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> FilterMapper.translate(new dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan("when", java.time.LocalDate.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'when'");
    }
}
