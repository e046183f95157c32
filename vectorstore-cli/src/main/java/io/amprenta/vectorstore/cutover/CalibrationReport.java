package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@link RecallCalibration} measured and chose.
 *
 * @param targetRecall the recall@k asked for
 * @param queries how many queries each setting ran
 * @param topK the k of recall@k
 * @param filter the filter every query carried, as Pinecone filter JSON; null for none
 * @param namespace the namespace queried
 * @param trials every setting measured, in the order measured
 * @param chosen the fastest setting that met the target (its {@link Trial#recallLowerBound()} reached it); null when
 *     none did
 * @param elapsed how long the calibration took
 */
public record CalibrationReport(double targetRecall, int queries, int topK, String filter, String namespace, List<Trial> trials,
                                Trial chosen, Duration elapsed) {

    /** Copies the trials. */
    public CalibrationReport {
        trials = List.copyOf(trials);
    }

    /** Whether some setting met the target. */
    public boolean met() {
        return chosen != null;
    }

    /** The chosen setting, if one met the target. */
    public Optional<Trial> choice() {
        return Optional.ofNullable(chosen);
    }

    /** The trial with the highest recall (the closest to the target when none met it). */
    public Trial best() {
        return trials.stream().max(Comparator.comparingDouble(Trial::recall)).orElseThrow();
    }

    /** The chosen setting as configuration to paste, e.g. {@code PGVECTOR_EF_SEARCH=80 PGVECTOR_ITERATIVE_SCAN=relaxed_order}. */
    public Optional<String> configurationLine() {
        return choice().map(Trial::configuration);
    }

    /**
     * One setting's measurement.
     *
     * @param efSearch the {@code hnsw.ef_search} tried
     * @param iterativeScan the {@code hnsw.iterative_scan} tried
     * @param recall the mean recall@k against exact search
     * @param recallLowerBound the one-sided 95 % lower confidence bound of the recall over queries like these: the
     *     mean less 1.645 standard errors. A setting meets the target only when this does, so that a lucky sample of
     *     queries does not pick an ef_search the next queries fall short with.
     * @param meanRows the mean number of matches returned
     * @param latency the latency of its queries
     */
    public record Trial(int efSearch, IterativeScan iterativeScan, double recall, double recallLowerBound, double meanRows,
                        LatencySummary latency) {

        /** Whether this setting meets {@code targetRecall} with 95 % confidence. */
        public boolean meets(double targetRecall) {
            return recallLowerBound >= targetRecall;
        }

        /** This setting as configuration keys. */
        public String configuration() {
            return PgVectorSettings.EF_SEARCH + "=" + efSearch + " " + PgVectorSettings.ITERATIVE_SCAN + "="
                    + iterativeScan.sqlValue();
        }
    }
}
