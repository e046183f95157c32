package io.amprenta.vectorstore.benchmarks;

import java.util.Arrays;

/** Latency samples and their percentiles (nearest rank). */
public final class Percentiles {

    private final double[] millis;

    /** Samples in nanoseconds. */
    public Percentiles(long[] nanos) {
        millis = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
    }

    /** The {@code p}-th percentile in milliseconds, {@code p} from 0 to 100. */
    public double at(double p) {
        if (millis.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * millis.length);
        return millis[Math.max(0, Math.min(millis.length - 1, rank - 1))];
    }

    /** The number of samples. */
    public int count() {
        return millis.length;
    }
}
