package io.amprenta.vectorstore.migration;

import java.util.List;
import java.util.Optional;

/**
 * A target whose vector index the migrator may manage around a bulk load: drop it first and build it once at the end
 * ({@link IndexStrategy#DEFER}, many times faster than maintaining it row by row), and refresh the planner's
 * statistics afterwards. The migrator reads {@link #indexState()} and {@link #indexScans} to choose
 * ({@link IndexStrategy#AUTO}).
 */
public interface IndexedTarget extends MigrationTarget {

    /** Drops the vector index before a bulk load. */
    void dropVectorIndex();

    /** Builds the vector index after a bulk load, then refreshes the statistics as {@link #analyze()} does. */
    void buildVectorIndex();

    /**
     * Refreshes the planner's statistics after a load. A table that was empty when last analyzed looks empty to the
     * planner, which then answers every query by scanning the whole table instead of using the vector index, until
     * autovacuum gets round to it.
     */
    void analyze();

    /** What the index strategy is chosen from; read-only. */
    IndexState indexState();

    /**
     * How many scans the index {@code index} has served since the server's statistics were last reset (PostgreSQL's
     * {@code pg_stat_user_indexes.idx_scan}); read-only.
     */
    long indexScans(String index);

    /**
     * The target's index as the strategy sees it.
     *
     * @param servingIndex the index serving queries for the configured metric now, if any
     * @param deferredIndexes definitions of indexes an earlier run dropped and did not rebuild yet
     * @param embeddedRows rows holding an embedding now
     * @param dimension the vector dimension
     * @param efConstruction the index's {@code ef_construction} (what one row's insertion costs grows with it)
     */
    record IndexState(Optional<String> servingIndex, List<String> deferredIndexes, long embeddedRows, int dimension,
                      int efConstruction) {

        /** Copies the list. */
        public IndexState {
            deferredIndexes = List.copyOf(deferredIndexes);
        }
    }
}
