package io.amprenta.vectorstore.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataMapperTest {

    private final MetadataMapper mapper = new MetadataMapper("text_segment", true);

    @Test
    void writesLangChain4jsPineconeLayout() {
        UUID uuid = UUID.randomUUID();
        Map<String, Object> stored = mapper.toStored("id-1", TextSegment.from("hello",
                new Metadata().put("uuid", uuid).put("n", 42).put("f", 1.5f).put("s", "x")));
        assertThat(stored).containsExactlyInAnyOrderEntriesOf(Map.of(
                "text_segment", "hello", "uuid", uuid.toString(), "n", 42.0, "f", 1.5, "s", "x"));
    }

    @Test
    void longsADoubleCannotHoldKeepTheirExactValue() {
        long big = 1746714878034235396L;
        Map<String, Object> stored = mapper.toStored("id-1", TextSegment.from("t", new Metadata().put("big", big).put("small", 7L)));
        assertThat(stored).containsEntry("big", (double) big).containsEntry("__exact_long__.big", "1746714878034235396")
                .doesNotContainKey("__exact_long__.small");
        TextSegment back = mapper.toSegment(stored);
        assertThat(back.metadata().getLong("big")).isEqualTo(big);
        assertThat(back.metadata().toMap()).doesNotContainKey("__exact_long__.big");
        assertThat(new MetadataMapper("text_segment", false).toSegment(stored).metadata().getLong("big")).isNotEqualTo(big);
    }

    @Test
    void readsWhatOtherWritersLeftLeavingOutTypesLangChain4jCannotHold() {
        TextSegment segment = mapper.toSegment(Map.of("text_segment", "t", "flag", true, "tags", List.of("a"), "n", 3.0));
        assertThat(segment.text()).isEqualTo("t");
        assertThat(segment.metadata().toMap()).isEqualTo(Map.of("n", 3.0));
        assertThat(mapper.toSegment(Map.of("n", 3.0))).isNull();
    }

    @Test
    void theTextKeyIsReserved() {
        assertThatThrownBy(() -> mapper.toStored("id-9", TextSegment.from("t", new Metadata().put("text_segment", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id-9").hasMessageContaining("textKey");
    }
}
