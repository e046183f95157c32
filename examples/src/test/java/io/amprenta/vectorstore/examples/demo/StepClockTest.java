package io.amprenta.vectorstore.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StepClockTest {

    private final AtomicLong now = new AtomicLong();
    private final StepClock clock = new StepClock(now::get);

    @Test
    void eachStepLastsUntilTheNextOneStartsAndTheSummaryAddsThemUp() {
        clock.start("seed");
        now.addAndGet(Duration.ofMillis(2_500).toNanos());
        clock.start("migrate");
        now.addAndGet(Duration.ofSeconds(40).toNanos());
        clock.stop();
        now.addAndGet(Duration.ofSeconds(99).toNanos());

        assertThat(clock.steps()).containsExactly(new StepClock.Step("seed", Duration.ofMillis(2_500)),
                new StepClock.Step("migrate", Duration.ofSeconds(40)));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        clock.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(String.format(
                "%9.1f s  seed%n%9.1f s  migrate%n%9.1f s  in all%n", 2.5, 40.0, 42.5));
    }

    @Test
    void stoppingTwiceOrBeforeAnyStepRecordsNothing() {
        clock.stop();
        clock.start("verify");
        now.addAndGet(1_000);
        clock.stop();
        clock.stop();

        assertThat(clock.steps()).extracting(StepClock.Step::name).containsExactly("verify");
    }
}
