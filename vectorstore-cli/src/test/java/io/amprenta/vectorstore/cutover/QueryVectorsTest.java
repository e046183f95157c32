package io.amprenta.vectorstore.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryVectorsTest {

    @TempDir
    Path directory;

    private Path file(String text) throws IOException {
        return Files.writeString(directory.resolve("queries.txt"), text);
    }

    @Test
    void readsJsonArraysAndPlainNumbersSkippingBlankAndCommentLines() throws IOException {
        List<BenchmarkQuery> queries = QueryVectors.fromFile(file("# three queries\n[0.5, -1, 2e-3]\n\n1 2 3\n4,5, 6\n"), 10);

        assertThat(queries).extracting(BenchmarkQuery::vector)
                .containsExactly(new float[] {0.5f, -1f, 0.002f}, new float[] {1, 2, 3}, new float[] {4, 5, 6});
        assertThat(queries).allSatisfy(query -> assertThat(query.source()).isEmpty());
    }

    @Test
    void stopsAtTheLimit() throws IOException {
        assertThat(QueryVectors.fromFile(file("1 2\n3 4\n5 6\n"), 2)).hasSize(2);
    }

    @Test
    void badLinesAreRefusedNamingFileAndLine() throws IOException {
        assertThatThrownBy(() -> QueryVectors.fromFile(file("1 2\n1 2 3\n"), 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2").hasMessageContaining("3 values");
        assertThatThrownBy(() -> QueryVectors.fromFile(file("1 abc\n"), 10))
                .hasMessageContaining("queries.txt, line 1 is not a query vector").hasMessageContaining("abc");
        assertThatThrownBy(() -> QueryVectors.fromFile(file("[1, 2\n"), 10)).hasMessageContaining("line 1");
        assertThatThrownBy(() -> QueryVectors.fromFile(file("1 NaN\n"), 10)).hasMessageContaining("value 2 is NaN");
        assertThatThrownBy(() -> QueryVectors.fromFile(file("1 1e300\n"), 10)).hasMessageContaining("not a finite float");
        assertThatThrownBy(() -> QueryVectors.fromFile(file("[]\n"), 10)).hasMessageContaining("no values");
        assertThatThrownBy(() -> QueryVectors.fromFile(file("# nothing\n"), 10)).hasMessageContaining("holds no query vector");
        assertThatThrownBy(() -> QueryVectors.fromFile(directory.resolve("absent.txt"), 10))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("absent.txt");
    }

    @Test
    void queriesCopyTheirVectors() {
        float[] values = {1, 2};
        BenchmarkQuery query = BenchmarkQuery.of(values);
        values[0] = 9;
        query.vector()[1] = 9;
        assertThat(query.vector()).containsExactly(1, 2);
        assertThat(query).isEqualTo(BenchmarkQuery.of(new float[] {1, 2})).isNotEqualTo(new BenchmarkQuery(new float[] {1, 2}, "r1"));
    }
}
