package io.amprenta.vectorstore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.Match;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartExampleTest {

    @Test
    void theQuickstartFindsTheRecentDrama() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<Match> matches = QuickstartExample.run(Map.of("VECTOR_BACKEND", "memory"), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(matches).extracting(Match::id).containsExactly("film-3");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("backend: memory").contains("film-3  score=0.9");
    }
}
