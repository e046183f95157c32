package io.amprenta.vectorstore.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoMainTest {

    @Test
    void aRunTooLargeForTheHeapIsRefusedWithTheOptionThatFixesIt() {
        DemoMain.requireHeap(100_000, 2L << 30);

        assertThatThrownBy(() -> DemoMain.requireHeap(1_000_000, 2L << 30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1,000,000 records").hasMessageContaining("this JVM may use 2048 MB")
                .hasMessageContaining("DEMO_JAVA_OPTS=-Xmx8g scripts/demo --records 1000000");
    }

    @Test
    void theIndexBuildGetsEnoughMemoryForTheWholeGraphAndNeverLessThanTheMigratorsDefault() {
        assertThat(DemoMain.indexBuildMemory(40_000)).isEqualTo("1024MB");
        assertThat(DemoMain.indexBuildMemory(1_000_000)).isEqualTo("2862MB");
    }
}
