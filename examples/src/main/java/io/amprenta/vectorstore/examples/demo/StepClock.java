package io.amprenta.vectorstore.examples.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The wall time of each demo step, so that a run at a larger size says which step grew (the figures of
 * docs/scaling.md come from this summary). A step lasts from its start to the next step's start or to
 * {@link #stop()}.
 */
final class StepClock {

    /** One finished step and how long it took. */
    record Step(String name, Duration took) {
    }

    private final LongSupplier nanoTime;
    private final List<Step> steps = new ArrayList<>();
    private String current;
    private long currentStarted;

    StepClock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Ends the running step, if any, and starts {@code name}. */
    void start(String name) {
        stop();
        current = name;
        currentStarted = nanoTime.getAsLong();
    }

    /** Ends the running step, if any. */
    void stop() {
        if (current != null) {
            steps.add(new Step(current, Duration.ofNanos(nanoTime.getAsLong() - currentStarted)));
            current = null;
        }
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }

    /** Prints the finished steps, one line each with its seconds, and their total. */
    void print(PrintStream out) {
        long total = 0;
        for (Step step : steps) {
            out.printf("%9.1f s  %s%n", step.took().toMillis() / 1000.0, step.name());
            total += step.took().toMillis();
        }
        out.printf("%9.1f s  in all%n", total / 1000.0);
    }
}
