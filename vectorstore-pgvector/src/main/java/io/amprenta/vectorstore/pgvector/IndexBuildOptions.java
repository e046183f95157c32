package io.amprenta.vectorstore.pgvector;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link PgVectorTable#buildVectorIndex(IndexBuildOptions)} builds the HNSW index after a bulk load. An HNSW
 * build is far faster when the graph fits in {@code maintenance_work_mem} (PostgreSQL notes when it does not) and
 * when parallel workers help.
 *
 * @param maintenanceWorkMem the {@code maintenance_work_mem} for the build, e.g. {@code 1GB}; memory is taken as
 *     the graph grows, not up front
 * @param parallelWorkers {@code max_parallel_maintenance_workers} for the build, 0 for none (the server's
 *     {@code max_parallel_workers} still caps it)
 * @param concurrently whether to build with {@code CREATE INDEX CONCURRENTLY}, which lets writes go on during the
 *     build at the cost of a slower build
 */
public record IndexBuildOptions(String maintenanceWorkMem, int parallelWorkers, boolean concurrently) {

    private static final Pattern MEMORY = Pattern.compile("\\d+\\s*(kB|MB|GB|TB)?");

    /** Validates the values, which become session settings. */
    public IndexBuildOptions {
        Objects.requireNonNull(maintenanceWorkMem, "maintenanceWorkMem");
        if (!MEMORY.matcher(maintenanceWorkMem).matches()) {
            throw new IllegalArgumentException("maintenanceWorkMem must be a PostgreSQL memory size such as 512MB or 2GB,"
                    + " but is '" + maintenanceWorkMem + "'");
        }
        if (parallelWorkers < 0 || parallelWorkers > 1024) {
            throw new IllegalArgumentException("parallelWorkers must be between 0 and 1024, but is " + parallelWorkers);
        }
    }

    /** 1 GB of maintenance memory, 2 parallel workers, not concurrently. */
    public static IndexBuildOptions defaults() {
        return new IndexBuildOptions("1GB", 2, false);
    }

    /** The same options with {@code memory} as maintenance_work_mem. */
    public IndexBuildOptions withMaintenanceWorkMem(String memory) {
        return new IndexBuildOptions(memory, parallelWorkers, concurrently);
    }

    /** The same options with {@code workers} parallel maintenance workers. */
    public IndexBuildOptions withParallelWorkers(int workers) {
        return new IndexBuildOptions(maintenanceWorkMem, workers, concurrently);
    }

    /** The same options building concurrently (or not). */
    public IndexBuildOptions withConcurrently(boolean buildConcurrently) {
        return new IndexBuildOptions(maintenanceWorkMem, parallelWorkers, buildConcurrently);
    }
}
