package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.DistanceMetric;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/** Brute-force top-k over the base vectors, in double precision: the ground truth recall is measured against. */
public final class ExactSearch {

    private ExactSearch() {
    }

    /** The rows of the {@code k} base vectors best for {@code query} among rows accepted by {@code rows}, best first. */
    public static int[] topK(float[][] base, float[] query, int k, DistanceMetric metric, IntPredicate rows) {
        // The worst of the best k sits at the head, so it is the one replaced.
        PriorityQueue<double[]> heap = new PriorityQueue<>(k + 1,
                (a, b) -> metric.compareBestFirst(b[0], a[0]));
        for (int row = 0; row < base.length; row++) {
            if (!rows.test(row)) {
                continue;
            }
            heap.add(new double[] {metric.score(query, base[row]), row});
            if (heap.size() > k) {
                heap.poll();
            }
        }
        int[] best = new int[heap.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            best[i] = (int) heap.poll()[1];
        }
        return best;
    }
}
