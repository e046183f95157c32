package io.amprenta.vectorstore.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void latencyPercentilesByNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[99 - i] = (i + 1) * 1_000_000L;
        }
        LatencySummary summary = LatencySummary.of(nanos);
        assertThat(summary.count()).isEqualTo(100);
        assertThat(summary.p50Millis()).isEqualTo(50.0);
        assertThat(summary.p95Millis()).isEqualTo(95.0);
        assertThat(summary.p99Millis()).isEqualTo(99.0);
        assertThat(summary.meanMillis()).isEqualTo(50.5);
        assertThat(LatencySummary.of(new long[0]).p50Millis()).isNaN();
    }
}
