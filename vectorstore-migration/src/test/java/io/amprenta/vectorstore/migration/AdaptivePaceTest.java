package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptivePaceTest {

    /** A clock that only moves when someone sleeps. */
    private static final class FakeClock implements AdaptivePace.Clock {
        long now;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    @Test
    void requestsAreSpacedByTheRate() throws InterruptedException {
        FakeClock clock = new FakeClock();
        AdaptivePace pace = new AdaptivePace(10, clock);

        for (int i = 0; i < 4; i++) {
            pace.acquire();
        }

        assertThat(clock.sleeps).containsExactly(100_000_000L, 100_000_000L, 100_000_000L);
    }

    @Test
    void throttlingSlowsByATenthOncePerTwoSpacingsDownToAFloorAndSuccessRecoversIt() {
        FakeClock clock = new FakeClock();
        AdaptivePace pace = new AdaptivePace(10, clock);

        assertThat(pace.throttled()).isCloseTo(9, within(1e-9));
        // The other workers' 429s from the same overshoot count once.
        assertThat(pace.throttled()).isCloseTo(9, within(1e-9));
        clock.now += 300_000_000L;
        assertThat(pace.throttled()).isCloseTo(8.1, within(1e-9));
        for (int i = 0; i < 200; i++) {
            clock.now += 10_000_000_000L;
            pace.throttled();
        }
        assertThat(pace.rate()).isEqualTo(0.2);
        for (int i = 0; i < 1000; i++) {
            pace.succeeded();
        }
        assertThat(pace.rate()).isEqualTo(10);
    }

    @Test
    void aPaceBelowItsCeilingRisesByHalfAPercentPerSuccess() {
        AdaptivePace pace = new AdaptivePace(100, new FakeClock());
        pace.throttled();

        pace.succeeded();

        assertThat(pace.rate()).isCloseTo(90 * 1.005, within(1e-9));
    }

    @Test
    void aThrottledPaceDelaysTheNextCaller() throws InterruptedException {
        FakeClock clock = new FakeClock();
        AdaptivePace pace = new AdaptivePace(10, clock);
        pace.acquire();

        pace.throttled();
        pace.acquire();

        assertThat(clock.sleeps).containsExactly(111_111_111L);
    }

    @Test
    void theRateMustBePositive() {
        assertThatThrownBy(() -> new AdaptivePace(0, new FakeClock())).hasMessageContaining("requestsPerSecond");
    }
}
