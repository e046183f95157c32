package io.amprenta.vectorstore.pgvector;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * How the library builds an HNSW index: {@code schema upgrade}, the rebuild after a deferred bulk load and
 * {@link PgVectorTable#buildVectorIndex(IndexBuildOptions)} all set these for the build's transaction (or session,
 * for a concurrent build). An HNSW build is far faster when the graph fits in {@code maintenance_work_mem}
 * (PostgreSQL notes when it does not) and when parallel workers help. The store's own defaults come from
 * {@link PgVectorSettings#INDEX_BUILD_MEMORY} and {@link PgVectorSettings#INDEX_BUILD_WORKERS}
 * ({@link PgVectorSettings#indexBuild()}).
 *
 * @param maintenanceWorkMem the {@code maintenance_work_mem} for the build, e.g. {@code 1GB}; memory is taken as
 *     the graph grows, not up front
 * @param parallelWorkers {@code max_parallel_maintenance_workers} for the build, 0 for none (the server's
 *     {@code max_parallel_workers} still caps it); empty derives it from the server: its {@code max_parallel_workers},
 *     at most {@value #DERIVED_WORKERS_CAP}
 * @param concurrently whether to build with {@code CREATE INDEX CONCURRENTLY}, which lets writes go on during the
 *     build at the cost of a slower build
 */
public record IndexBuildOptions(String maintenanceWorkMem, OptionalInt parallelWorkers, boolean concurrently) {

    /** The most parallel maintenance workers PostgreSQL accepts. */
    public static final int MAX_PARALLEL_WORKERS = 1024;
    /**
     * The most workers derived from the server: beyond a few, an HNSW build gains little while taking the workers
     * that queries' parallel plans would use.
     */
    public static final int DERIVED_WORKERS_CAP = 4;
    /** The maintenance memory of a build when none is given. */
    public static final String DEFAULT_MEMORY = "1GB";

    private static final Pattern MEMORY = Pattern.compile("\\d+\\s*(kB|MB|GB|TB)?");

    /** Validates the values, which become session settings. */
    public IndexBuildOptions {
        Objects.requireNonNull(maintenanceWorkMem, "maintenanceWorkMem");
        Objects.requireNonNull(parallelWorkers, "parallelWorkers");
        if (!isMemorySize(maintenanceWorkMem)) {
            throw new IllegalArgumentException("maintenanceWorkMem must be a PostgreSQL memory size such as 512MB or 2GB,"
                    + " but is '" + maintenanceWorkMem + "'");
        }
        if (parallelWorkers.isPresent()
                && (parallelWorkers.getAsInt() < 0 || parallelWorkers.getAsInt() > MAX_PARALLEL_WORKERS)) {
            throw new IllegalArgumentException("parallelWorkers must be between 0 and " + MAX_PARALLEL_WORKERS
                    + ", but is " + parallelWorkers.getAsInt());
        }
    }

    /** Whether {@code text} is a memory size PostgreSQL reads, such as {@code 512MB} or {@code 2GB}. */
    public static boolean isMemorySize(String text) {
        return text != null && MEMORY.matcher(text).matches();
    }

    /** 1 GB of maintenance memory, workers derived from the server, not concurrently. */
    public static IndexBuildOptions defaults() {
        return new IndexBuildOptions(DEFAULT_MEMORY, OptionalInt.empty(), false);
    }

    /** The same options with {@code memory} as maintenance_work_mem. */
    public IndexBuildOptions withMaintenanceWorkMem(String memory) {
        return new IndexBuildOptions(memory, parallelWorkers, concurrently);
    }

    /** The same options with {@code workers} parallel maintenance workers. */
    public IndexBuildOptions withParallelWorkers(int workers) {
        return new IndexBuildOptions(maintenanceWorkMem, OptionalInt.of(workers), concurrently);
    }

    /** The same options building concurrently (or not). */
    public IndexBuildOptions withConcurrently(boolean buildConcurrently) {
        return new IndexBuildOptions(maintenanceWorkMem, parallelWorkers, buildConcurrently);
    }
}
