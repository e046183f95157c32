package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void throttlingHalvesThePaceDownToAFloorAndSuccessRecoversIt() {
        AdaptivePace pace = new AdaptivePace(10, new FakeClock());

        assertThat(pace.throttled()).isEqualTo(5);
        assertThat(pace.throttled()).isEqualTo(2.5);
        for (int i = 0; i < 10; i++) {
            pace.throttled();
        }
        assertThat(pace.rate()).isEqualTo(0.2);
        for (int i = 0; i < 100; i++) {
            pace.succeeded();
        }
        assertThat(pace.rate()).isEqualTo(10);
    }

    @Test
    void aThrottledPaceDelaysTheNextCaller() throws InterruptedException {
        FakeClock clock = new FakeClock();
        AdaptivePace pace = new AdaptivePace(10, clock);
        pace.acquire();

        pace.throttled();
        pace.acquire();

        assertThat(clock.sleeps).containsExactly(200_000_000L);
    }

    @Test
    void theRateMustBePositive() {
        assertThatThrownBy(() -> new AdaptivePace(0, new FakeClock())).hasMessageContaining("requestsPerSecond");
    }
}
