package io.amprenta.vectorstore.pgvector;

import java.util.Objects;

/**
 * How {@link SchemaManager#upgrade(UpgradeOptions)} proceeds.
 *
 * @param toVersion the schema version to reach, 1 to {@link SchemaManager#LATEST_VERSION}
 * @param vectorIndex whether to build the HNSW index now; false defers it for a bulk load (build it afterwards with
 *     {@link PgVectorTable#buildVectorIndex(IndexBuildOptions)}, which is much faster than inserting into an indexed
 *     table)
 * @param partitioning whether to partition the table by namespace ({@link Partitioning#NONE} leaves the layout as it
 *     is: an upgrade never un-partitions a table)
 */
public record UpgradeOptions(int toVersion, boolean vectorIndex, Partitioning partitioning) {

    /** Validates the version. */
    public UpgradeOptions {
        if (toVersion < 1 || toVersion > SchemaManager.LATEST_VERSION) {
            throw new IllegalArgumentException("toVersion must be between 1 and " + SchemaManager.LATEST_VERSION
                    + ", but is " + toVersion);
        }
        Objects.requireNonNull(partitioning, "partitioning");
    }

    /** Options that leave the table's layout as it is. */
    public UpgradeOptions(int toVersion, boolean vectorIndex) {
        this(toVersion, vectorIndex, Partitioning.NONE);
    }

    /** The latest version, with the HNSW index. */
    public static UpgradeOptions latest() {
        return new UpgradeOptions(SchemaManager.LATEST_VERSION, true);
    }

    /** The same options without building the HNSW index now. */
    public UpgradeOptions deferVectorIndex() {
        return new UpgradeOptions(toVersion, false, partitioning);
    }

    /** The same options stopping at {@code version}. */
    public UpgradeOptions to(int version) {
        return new UpgradeOptions(version, vectorIndex, partitioning);
    }

    /** The same options with the table laid out as {@code layout} says. */
    public UpgradeOptions partitionBy(Partitioning layout) {
        return new UpgradeOptions(toVersion, vectorIndex, layout);
    }
}
