package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A search setting measured on a table's own data and stored in the database ({@code vectorstore calibrate --save}),
 * which every store on the table uses instead of the default {@code PGVECTOR_EF_SEARCH}: the smallest ef_search (and
 * iterative-scan mode) that met the recall target, for unfiltered or for filtered queries, on a table of a given size.
 *
 * @param filtered whether it was measured with a metadata filter (and applies to filtered queries)
 * @param rows how many rows with an embedding the table held when measured (one HNSW graph spans all its
 *     namespaces); stores pick the calibration whose size class (order of magnitude of rows) is nearest the table's
 *     current size
 * @param efSearch the {@code hnsw.ef_search} chosen
 * @param iterativeScan the {@code hnsw.iterative_scan} chosen
 * @param recall the recall@k measured with it, against exact search
 * @param targetRecall the recall@k it was chosen to meet
 * @param topK the k of recall@k
 * @param queries how many queries measured it
 * @param measuredAt when it was measured
 */
public record SearchCalibration(boolean filtered, long rows, int efSearch, IterativeScan iterativeScan, double recall,
                                double targetRecall, int topK, int queries, Instant measuredAt) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value out of range
     */
    public SearchCalibration {
        Objects.requireNonNull(iterativeScan, "iterativeScan");
        Objects.requireNonNull(measuredAt, "measuredAt");
        check(rows >= 0, "rows must not be negative, was " + rows);
        check(efSearch >= 1 && efSearch <= PgVectorSettings.MAX_EF_SEARCH,
                "efSearch must lie between 1 and " + PgVectorSettings.MAX_EF_SEARCH + ", was " + efSearch);
        check(recall >= 0 && recall <= 1, "recall must lie between 0 and 1, was " + recall);
        check(targetRecall > 0 && targetRecall <= 1, "targetRecall must be above 0 and at most 1, was " + targetRecall);
        check(topK >= 1, "topK must be at least 1, was " + topK);
        check(queries >= 1, "queries must be at least 1, was " + queries);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The order of magnitude of {@code rows} (its number of decimal digits): what calibrations are keyed by. */
    public static int sizeClass(long rows) {
        return rows <= 0 ? 0 : (int) Math.floor(Math.log10(rows)) + 1;
    }

    /** The size class of this calibration's {@link #rows}. */
    public int sizeClass() {
        return sizeClass(rows);
    }

    /** One line for people: the setting, the recall, when and on how many rows. */
    public String describe() {
        return String.format(Locale.ROOT, "ef_search %d, iterative_scan %s (%s queries): recall@%d %.3f for a target"
                + " of %.3f, measured %s on %,d rows", efSearch, iterativeScan.sqlValue(), filtered ? "filtered" : "unfiltered",
                topK, recall, targetRecall, measuredAt, rows);
    }
}
