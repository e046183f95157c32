package io.amprenta.vectorstore.observe;

import java.util.Objects;

/**
 * One real query re-run by exact search in the background (a store's recall monitor, e.g. pgvector's
 * {@code PGVECTOR_RECALL_SAMPLE_RATE}): the recall@k of the answer the application got, and the rolling recall of
 * the recent samples, against the recall the store is tuned for.
 *
 * @param backend the backend's name
 * @param namespace the namespace queried
 * @param recall the share of the exact top-k this query's answer held (ties at the k-th distance count)
 * @param rollingRecall the mean recall of the recent samples, this one included
 * @param samples how many samples the rolling recall is over
 * @param targetRecall the recall the store is tuned for
 */
public record RecallEvent(String backend, String namespace, double recall, double rollingRecall, int samples,
                          double targetRecall) {

    /** Validates. */
    public RecallEvent {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(namespace, "namespace");
    }

    /** Whether the rolling recall is below the target. */
    public boolean belowTarget() {
        return rollingRecall < targetRecall;
    }
}
