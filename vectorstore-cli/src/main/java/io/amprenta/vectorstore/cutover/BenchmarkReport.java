package io.amprenta.vectorstore.cutover;

import java.time.Duration;
import java.util.List;

/**
 * What {@link BackendBenchmark} measured.
 *
 * @param queries how many queries ran on each backend
 * @param topK the matches each asked for
 * @param filter the filter every query carried, as Pinecone filter JSON; null for none
 * @param backends one result per backend, in the order given
 * @param meanOverlap the mean share of top-k ids the two backends' answers have in common (1: identical sets)
 * @param warnings what makes the comparison less meaningful (e.g. different metrics); empty when nothing does
 * @param elapsed how long the benchmark took, ground truth included
 */
public record BenchmarkReport(int queries, int topK, String filter, List<BackendResult> backends, double meanOverlap,
                              List<String> warnings, Duration elapsed) {

    /** Copies the lists. */
    public BenchmarkReport {
        backends = List.copyOf(backends);
        warnings = List.copyOf(warnings);
    }

    /**
     * One backend's figures.
     *
     * @param backend the backend's name
     * @param namespace the namespace queried
     * @param latency the latency of its queries, measured around {@code VectorStore.query} (network included)
     * @param meanRecall the mean share of the exact top-k it returned
     * @param meanRows the mean number of matches it returned
     * @param meanExpectedRows the mean number of matches exact search returned: fewer rows than this is a short answer
     */
    public record BackendResult(String backend, String namespace, LatencySummary latency, double meanRecall, double meanRows,
                                double meanExpectedRows) {
    }
}
