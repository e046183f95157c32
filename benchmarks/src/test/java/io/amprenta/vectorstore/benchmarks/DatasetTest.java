package io.amprenta.vectorstore.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    @Test
    void generatedDataIsNormalizedClusteredAndReproducible() {
        Dataset a = Dataset.generated(800, 10, 16, 3);
        Dataset b = Dataset.generated(800, 10, 16, 3);

        assertThat(a.base()).hasDimensions(800, 16);
        assertThat(a.queries()).hasDimensions(10, 16);
        assertThat(a.base()[5]).containsExactly(b.base()[5]);
        double norm = 0;
        for (float value : a.queries()[0]) {
            norm += value * value;
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(a.real()).isFalse();
        assertThat(a.groundTruth()).isNull();
    }

    @Test
    void theShippedFormatIsReadLittleEndianWithItsHeader(@TempDir Path directory) throws IOException {
        write(directory.resolve("base.f32"), 3, 2, new float[] {1, 0, 0, 1, 0.6f, 0.8f});
        write(directory.resolve("queries.f32"), 1, 2, new float[] {1, 0});
        ByteBuffer truth = ByteBuffer.allocate(8 + 8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(2).putInt(0).putInt(2);
        Files.write(directory.resolve("gt.i32"), truth.array());

        Dataset data = Dataset.load(directory, 10);

        assertThat(data.base()[2]).containsExactly(0.6f, 0.8f);
        assertThat(data.groundTruth()[0]).containsExactly(0, 2);
        assertThat(ExactSearch.topK(data.base(), data.queries()[0], 2, DistanceMetric.COSINE, row -> true)).containsExactly(0, 2);
        assertThat(ExactSearch.topK(data.base(), data.queries()[0], 2, DistanceMetric.COSINE, row -> row != 0)).containsExactly(2, 1);
    }

    @Test
    void optionsDefaultAndValidate() {
        BenchmarkOptions options = BenchmarkOptions.from(Map.of("dataset", "/nowhere", "queries", "50"));

        assertThat(options.dataset()).isEmpty();
        assertThat(options.missingDataset()).hasValue(Path.of("/nowhere"));
        assertThat(options.queries()).isEqualTo(50);
        assertThat(options.parts()).containsExactlyInAnyOrder("ingest", "queries");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchmarkOptions.from(Map.of("queries", "-1")))
                .hasMessageContaining("queries");
    }

    private static void write(Path file, int rows, int columns, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN).putInt(rows).putInt(columns);
        for (float value : values) {
            buffer.putFloat(value);
        }
        Files.write(file, buffer.array());
    }
}
