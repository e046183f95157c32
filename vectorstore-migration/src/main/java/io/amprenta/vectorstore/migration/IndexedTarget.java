package io.amprenta.vectorstore.migration;

/**
 * A target whose vector index the migrator may manage around a bulk load: drop it first and build it once at the end
 * ({@code deferIndex}, many times faster than maintaining it row by row), and refresh the planner's statistics
 * afterwards.
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
}
