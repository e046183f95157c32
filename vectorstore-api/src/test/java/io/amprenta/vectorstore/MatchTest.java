package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A match's metadata, made now or when first read (ARCHITECTURE.md, "The query path"). */
class MatchTest {

    private static Map<String, Object> raw() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("page", 3);
        metadata.put("tags", new ArrayList<>(List.of("a", "b")));
        metadata.put("zero", -0.0);
        return metadata;
    }

    @Test
    void metadataReadLaterIsMadeOnlyWhenReadAndThenOnce() {
        AtomicInteger made = new AtomicInteger();
        Match match = Match.withMetadataReadLater("doc", 0.5, null, null, () -> {
            made.incrementAndGet();
            return raw();
        });

        assertThat(match.id()).isEqualTo("doc");
        assertThat(match.score()).isEqualTo(0.5);
        assertThat(made).hasValue(0);

        assertThat(match.metadata()).containsEntry("page", 3.0);
        assertThat(match.metadata().get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(match.metadata()).hasSize(3);
        assertThat(made).hasValue(1);
    }

    @Test
    void metadataReadLaterIsNormalizedAndEqualToMetadataGivenNow() {
        Match later = Match.withMetadataReadLater("doc", 0.5, new float[] {1, 2}, null, MatchTest::raw);
        Match now = Match.of("doc", 0.5, new float[] {1, 2}, raw());

        assertThat(later).isEqualTo(now);
        assertThat(later.hashCode()).isEqualTo(now.hashCode());
        assertThat(later.metadata()).isEqualTo(Map.of("page", 3.0, "tags", List.of("a", "b"), "zero", 0.0));
        assertThat(List.copyOf(later.metadata().keySet())).containsExactly("page", "tags", "zero");
        assertThat(later.toString()).isEqualTo(now.toString());
    }

    @Test
    void metadataReadLaterCannotBeChanged() {
        Match match = Match.withMetadataReadLater("doc", 0.5, null, null, MatchTest::raw);

        assertThatThrownBy(() -> match.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> match.metadata().entrySet().iterator().next().setValue("y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> match.metadata().remove("page")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(match.metadata()).containsEntry("page", 3.0);
    }
}
