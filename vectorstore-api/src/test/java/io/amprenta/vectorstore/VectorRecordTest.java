package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorRecordTest {

    @Test
    void valuesAreCopiedInAndOut() {
        float[] values = {1, 2, 3};
        VectorRecord record = VectorRecord.of("a", values);
        values[0] = 99;
        record.values()[1] = 99;

        assertThat(record.values()).containsExactly(1, 2, 3);
        assertThat(record.dimension()).isEqualTo(3);
        assertThat(record.value(2)).isEqualTo(3f);
    }

    @Test
    void metadataIsAnUnmodifiableCopy() {
        Map<String, Object> metadata = new HashMap<>(Map.of("k", "v"));
        List<String> tags = new ArrayList<>(List.of("x"));
        metadata.put("tags", tags);
        VectorRecord record = VectorRecord.of("a", new float[] {1}, metadata);
        metadata.put("k", "changed");
        tags.add("y");

        assertThat(record.metadata()).isEqualTo(Map.of("k", "v", "tags", List.of("x")));
        assertThatThrownBy(() -> record.metadata().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void negativeZeroIsZeroSoThatACopyThroughJsonbEqualsItsSource() {
        VectorRecord record = VectorRecord.of("a", new float[] {1}, Map.of("z", -0.0, "f", -0.0f));

        assertThat(record.metadata().get("z")).isEqualTo(0.0);
        assertThat(record.metadata().get("f")).isEqualTo(0.0);
        assertThat(record).isEqualTo(VectorRecord.of("a", new float[] {1}, Map.of("z", 0, "f", 0.0)));
    }

    @Test
    void everyNumberTypeBecomesADouble() {
        VectorRecord record = VectorRecord.of("n", new float[] {1}, Map.of(
                "int", 3, "long", 4L, "float", 0.5f, "short", (short) 6, "decimal", new BigDecimal("7.25"),
                "bigint", BigInteger.TEN, "text", new StringBuilder("sb"), "array", new String[] {"p", "q"}));

        assertThat(record.metadata()).isEqualTo(Map.of("int", 3.0, "long", 4.0, "float", 0.5, "short", 6.0,
                "decimal", 7.25, "bigint", 10.0, "text", "sb", "array", List.of("p", "q")));
    }

    @Test
    void equalityIsByValue() {
        VectorRecord a = VectorRecord.of("id", new float[] {1, 2}, Map.of("x", 1));
        VectorRecord b = VectorRecord.of("id", new float[] {1, 2}, Map.of("x", 1.0));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(VectorRecord.of("id", new float[] {1, 3}, Map.of("x", 1)));
        assertThat(a.toString()).contains("id").contains("dimension=2");
    }

    @Test
    void unsupportedMetadataIsRejectedNamingRecordAndField() {
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("gone", null);
        assertThatThrownBy(() -> VectorRecord.of("r1", new float[] {1}, withNull))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_METADATA))
                .hasMessageContaining("Record 'r1'").hasMessageContaining("'gone' is null");
        assertThatThrownBy(() -> VectorRecord.of("r2", new float[] {1}, Map.of("when", Instant.EPOCH)))
                .hasMessageContaining("java.time.Instant").hasMessageContaining("strings, numbers, booleans or lists of strings");
        assertThatThrownBy(() -> VectorRecord.of("r3", new float[] {1}, Map.of("n", Double.NaN)))
                .hasMessageContaining("must be finite");
        assertThatThrownBy(() -> VectorRecord.of("r4", new float[] {1}, Map.of("", 1)))
                .hasMessageContaining("empty");
    }

    @Test
    void matchesNormalizeLikeRecords() {
        Match match = Match.of("m", 0.5, null, Map.of("year", 2020));

        assertThat(match.metadata()).isEqualTo(Map.of("year", 2020.0));
        assertThat(match.hasValues()).isFalse();
        assertThat(match.values()).isEmpty();
        assertThat(Match.of("m", 0.5, new float[] {1}, null)).isNotEqualTo(match);
    }

    @Test
    void queriesValidateAndCopy() {
        float[] vector = {1, 0};
        Query query = Query.builder(vector).build();
        vector[0] = 5;

        assertThat(query.vector()).containsExactly(1, 0);
        assertThat(query.topK()).isEqualTo(Query.DEFAULT_TOP_K);
        assertThat(query.includeMetadata()).isTrue();
        assertThat(query.includeValues()).isFalse();
        assertThat(query.optionalFilter()).isEmpty();
        assertThat(query.withTopK(50).topK()).isEqualTo(50);
        assertThatThrownBy(() -> Query.builder(new float[0]).build()).hasMessageContaining("empty");
        assertThatThrownBy(() -> Query.builder(vector).topK(-1).build()).hasMessageContaining("topK is -1");
    }

    @Test
    void idPagesContinueFromTheirCursor() {
        IdPage page = new IdPage(List.of("a"), IdPageRequest.first(1).withPrefix("a"), "cursor-1");

        assertThat(page.next()).contains(new IdPageRequest("a", 1, "cursor-1"));
        assertThat(new IdPage(List.of(), IdPageRequest.all(), null).next()).isEmpty();
        assertThatThrownBy(() -> IdPageRequest.first(0)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("limit is 0");
    }
}
