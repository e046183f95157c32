package io.amprenta.vectorstore.cutover;

import java.util.Arrays;

/**
 * Latency percentiles of a series of calls, in milliseconds (nearest rank: the p-th percentile is a measured
 * value, never an interpolation).
 *
 * @param count how many calls were measured
 * @param p50Millis the median
 * @param p95Millis the 95th percentile
 * @param p99Millis the 99th percentile
 * @param meanMillis the mean
 */
public record LatencySummary(int count, double p50Millis, double p95Millis, double p99Millis, double meanMillis) {

    /** The summary of {@code nanos}, one duration per call; all NaN when there are none. */
    public static LatencySummary of(long[] nanos) {
        double[] millis = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
        double mean = Arrays.stream(millis).average().orElse(Double.NaN);
        return new LatencySummary(millis.length, percentile(millis, 50), percentile(millis, 95), percentile(millis, 99), mean);
    }

    /** The {@code p}-th percentile (0 to 100) of {@code sortedMillis} by nearest rank; NaN when it is empty. */
    public static double percentile(double[] sortedMillis, double p) {
        if (sortedMillis.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sortedMillis.length);
        return sortedMillis[Math.max(0, Math.min(sortedMillis.length - 1, rank - 1))];
    }
}
