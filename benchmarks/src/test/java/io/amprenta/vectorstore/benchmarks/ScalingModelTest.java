package io.amprenta.vectorstore.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.benchmarks.ScalingModel.Precision;
import org.junit.jupiter.api.Test;

class ScalingModelTest {

    private final ScalingModel model = new ScalingModel(16, 1_000, 4.0, 1_000_000, 0.5);

    @Test
    void indexRowsAreWholeRowsPerPageAsPgvectorLaysThemOut() {
        // 384 dims: a 1,616-byte element and a 200-byte neighbour tuple, 4 rows to a page.
        assertThat(model.indexBytesPerRow(384, Precision.FULL)).isEqualTo(2_048);
        assertThat(model.indexBytesPerRow(768, Precision.FULL)).isEqualTo(4_096);
        assertThat(model.indexBytesPerRow(1536, Precision.FULL)).isEqualTo(8_192);
        assertThat(model.indexBytesPerRow(1536, Precision.HALF)).isEqualTo(4_096);
        assertThat(model.indexBytesPerRow(384, Precision.HALF)).isEqualTo(1_170);
    }

    @Test
    void buildGrowsAsNLogNAndQueriesAsLogN() {
        double ratio = model.buildCpuSeconds(1_000_000, 384) / model.buildCpuSeconds(100_000, 384);
        assertThat(ratio).isCloseTo(12.0, within(1e-9));
        assertThat(model.buildCpuSeconds(1_000_000, 768)).isCloseTo(2 * model.buildCpuSeconds(1_000_000, 384), within(1e-6));
        assertThat(model.queryMillis(1_000_000, 384)).isCloseTo(4.0, within(1e-9));
        assertThat(model.queryMillis(100_000_000, 384)).isCloseTo(4.0 * 4 / 3, within(1e-9));
    }

    @Test
    void serversAreAddedUntilEachOnesIndexAndBuildGraphFitItsShareOfMemory() {
        long gib = 1L << 30;
        ScalingModel.Prediction onOne = model.predict(10_000_000, 384, Precision.FULL, 256 * gib, 16);
        assertThat(onOne.servers()).isEqualTo(1);
        assertThat(onOne.indexBytes()).isEqualTo(10_000_000L * 2_048);

        // 100M x 1536 full: 763 GiB of index, 32 GiB of it per 64 GB server.
        ScalingModel.Prediction many = model.predict(100_000_000, 1536, Precision.FULL, 64 * gib, 16);
        assertThat(many.servers()).isEqualTo((int) Math.ceil(100_000_000L * 8_192 / (32.0 * gib)));
        assertThat(many.buildHours()).isCloseTo(model.buildCpuSeconds((100_000_000L + many.servers() - 1) / many.servers(), 1536)
                / 16 / 3_600, within(1e-9));
    }

    @Test
    void sizesPgvectorCannotIndexAndNonsenseAreRefused() {
        assertThatThrownBy(() -> model.indexBytesPerRow(3_072, Precision.FULL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 2000 dimensions, not 3072");
        assertThat(model.indexBytesPerRow(3_072, Precision.HALF)).isEqualTo(8_192);
        assertThatThrownBy(() -> model.predict(1, 384, Precision.FULL, 1L << 30, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScalingModel(16, 1_000, 4.0, 1_000_000, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
