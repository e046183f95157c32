package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final List<Duration> waits = new ArrayList<>();

    private RetryPolicy.Builder noJitter() {
        return RetryPolicy.builder().jitter(0).backoff(Duration.ofMillis(100), Duration.ofMillis(350));
    }

    @Test
    void retriesRetryableFailuresWithDoublingCappedDelays() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> retried = new ArrayList<>();
        RetryPolicy policy = noJitter().maxRetries(4)
                .onRetry((operation, attempt, failure, delay) -> retried.add(attempt))
                .build(waits::add);

        String result = policy.execute("fetch", () -> {
            if (calls.incrementAndGet() < 5) {
                throw new UnavailableException("down", null);
            }
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(5);
        assertThat(retried).containsExactly(1, 2, 3, 4);
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350), Duration.ofMillis(350));
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy policy = noJitter().maxRetries(2).build(waits::add);

        assertThatThrownBy(() -> policy.run("upsert", () -> {
            throw new UnavailableException("attempt " + calls.incrementAndGet(), null);
        })).isInstanceOf(UnavailableException.class).hasMessageContaining("attempt 3");
        assertThat(waits).hasSize(2);
    }

    @Test
    void neverRetriesNonRetryableFailures() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy policy = noJitter().build(waits::add);

        assertThatThrownBy(() -> policy.run("query", () -> {
            calls.incrementAndGet();
            throw new AuthenticationException("bad key", null);
        })).isInstanceOf(AuthenticationException.class);
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void aLongerRetryAfterHintWins() {
        RetryPolicy policy = noJitter().maxRetries(1).build(waits::add);
        AtomicInteger calls = new AtomicInteger();

        policy.run("upsert", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new RateLimitedException("slow down", null, Duration.ofSeconds(3));
            }
        });

        assertThat(waits).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void noRetryStartsPastTheMaxDuration() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0).backoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
                .maxDuration(Duration.ofSeconds(1)).build(waits::add);

        assertThatThrownBy(() -> policy.run("q", () -> {
            throw new UnavailableException("down", null);
        })).isInstanceOf(UnavailableException.class);
        assertThat(waits).isEmpty();
    }

    @Test
    void jitterOnlyShortensDelays() {
        RetryPolicy policy = RetryPolicy.builder().jitter(0.5).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build();
        for (int i = 0; i < 100; i++) {
            Duration delay = policy.delayBefore(3, new UnavailableException("x", null));
            assertThat(delay).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        }
    }

    @Test
    void anInterruptStopsRetryingAndKeepsTheFlag() {
        RetryPolicy policy = noJitter().build(delay -> {
            throw new InterruptedException();
        });
        try {
            assertThatThrownBy(() -> policy.run("q", () -> {
                throw new UnavailableException("down", null);
            })).isInstanceOf(UnavailableException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anAddedListenerHearsRetriesAfterTheOriginal() {
        List<String> heard = new ArrayList<>();
        RetryPolicy policy = noJitter().maxRetries(1).onRetry((op, attempt, failure, delay) -> heard.add("first " + op))
                .build(waits::add).withRetryListener((op, attempt, failure, delay) -> heard.add("second " + op));
        AtomicInteger calls = new AtomicInteger();

        policy.run("fetch", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new UnavailableException("down", null);
            }
        });

        assertThat(heard).containsExactly("first fetch", "second fetch");
        assertThat(waits).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void settingsAreValidatedByName() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(2)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> RetryPolicy.builder().maxDuration(Duration.ZERO)).hasMessageContaining("maxDuration");
        assertThat(RetryPolicy.none().maxRetries()).isEqualTo(0);
    }
}
