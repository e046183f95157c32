package io.amprenta.vectorstore.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The model of docs/scaling.md ("A model for 10M and 100M records"): what one pgvector HNSW table of a given size
 * needs (index bytes, build memory, build time, query latency, servers when the index must fit in memory),
 * calibrated from the 1,000,000-record demo run on this machine. Index size follows pgvector's page layout;
 * build time grows as {@code n log n} and query time as {@code log n}, each in proportion to the dimension.
 * {@link #main} prints the table of the document.
 *
 * @param m                  HNSW {@code m} (the library's default is 16)
 * @param buildCpuNanos      measured CPU nanoseconds of the index build per row and per {@code log2(rows)}, at
 *                           384 dimensions, full precision, the graph in {@code maintenance_work_mem}
 * @param queryMillis        measured query latency (p50) at {@code calibrationRows} rows, 384 dimensions
 * @param calibrationRows    the row count {@code queryMillis} was measured at
 * @param memoryShareForIndex the share of a server's RAM the HNSW index (and, while it is built, its graph) may
 *                           take; the rest is for table pages, connections and the operating system
 */
public record ScalingModel(int m, double buildCpuNanos, double queryMillis, long calibrationRows, double memoryShareForIndex) {

    /** How the index stores a vector: {@code vector} (4 bytes a dimension) or {@code halfvec} (2). */
    public enum Precision {
        FULL(4, 2_000), HALF(2, 4_000);

        private final int bytes;
        private final int maxIndexedDimension;

        Precision(int bytes, int maxIndexedDimension) {
            this.bytes = bytes;
            this.maxIndexedDimension = maxIndexedDimension;
        }
    }

    /** One prediction: sizes in bytes, the build's wall time in hours, the latency in milliseconds. */
    public record Prediction(long rows, int dimension, Precision precision, long indexBytes, long buildMemoryBytes,
                             int servers, double buildHours, double queryMillis) {
    }

    // pgvector's HNSW pages: 8 kB, a 24-byte page header, an 8-byte special space and a 4-byte line pointer per
    // tuple; an element tuple (72 bytes of header, then the value with its 8-byte header) and its level-0 neighbour
    // tuple (4 bytes, then 2m item pointers of 6 bytes) are kept on one page.
    private static final int PAGE = 8_192;
    private static final int PAGE_USABLE = PAGE - 24 - 8;

    // While the graph is built in maintenance_work_mem, a row holds its value and 2m candidates of 16 bytes at
    // level 0 plus the element's own bookkeeping: about 700 bytes beside the value (pgvector's hnsw.h).
    private static final int GRAPH_BYTES_BESIDE_VALUE = 700;
    private static final int CALIBRATION_DIMENSION = 384;

    public ScalingModel {
        if (m < 2 || buildCpuNanos <= 0 || queryMillis <= 0 || calibrationRows < 2 || memoryShareForIndex <= 0
                || memoryShareForIndex > 1) {
            throw new IllegalArgumentException("m >= 2, positive calibration figures and a memory share in (0, 1] are needed");
        }
    }

    /** The HNSW index's bytes per row on disk (and in memory when it is cached): whole rows per 8 kB page. */
    public long indexBytesPerRow(int dimension, Precision precision) {
        check(dimension, precision);
        long element = align(72 + 8 + (long) precision.bytes * dimension);
        long neighbours = align(4 + 2L * m * 6);
        long rowsPerPage = PAGE_USABLE / (element + neighbours + 8);
        return PAGE / rowsPerPage;
    }

    /** The {@code maintenance_work_mem} a row's share of the graph needs while the index is built. */
    public long buildMemoryBytesPerRow(int dimension, Precision precision) {
        check(dimension, precision);
        return (long) precision.bytes * dimension + 8 + GRAPH_BYTES_BESIDE_VALUE;
    }

    /** CPU seconds to build the index over {@code rows} rows (the graph in memory). */
    public double buildCpuSeconds(long rows, int dimension) {
        return buildCpuNanos * rows * log2(rows) * dimension / CALIBRATION_DIMENSION / 1e9;
    }

    /** Query latency at {@code rows} rows: the measured one, times the growth of {@code log n} and the dimension. */
    public double queryMillis(long rows, int dimension) {
        return queryMillis * log2(rows) / log2(calibrationRows) * dimension / CALIBRATION_DIMENSION;
    }

    /**
     * {@code rows} rows spread over as many servers of {@code ramBytes} as it takes for each server's index and
     * build graph to fit in its share of memory; each server builds its part with {@code cores} cores.
     */
    public Prediction predict(long rows, int dimension, Precision precision, long ramBytes, int cores) {
        if (rows < 2 || ramBytes <= 0 || cores < 1) {
            throw new IllegalArgumentException("rows >= 2, positive RAM and at least one core are needed");
        }
        long index = rows * indexBytesPerRow(dimension, precision);
        long graph = rows * buildMemoryBytesPerRow(dimension, precision);
        double perServer = memoryShareForIndex * ramBytes;
        int servers = (int) Math.ceil(Math.max(index, graph) / perServer);
        long shardRows = (rows + servers - 1) / servers;
        double buildHours = buildCpuSeconds(shardRows, dimension) / cores / 3_600;
        return new Prediction(rows, dimension, precision, index, graph, servers, buildHours, queryMillis(shardRows, dimension));
    }

    private static void check(int dimension, Precision precision) {
        if (dimension < 1 || dimension > precision.maxIndexedDimension) {
            throw new IllegalArgumentException("pgvector's HNSW indexes " + precision.name().toLowerCase(Locale.ROOT)
                    + " precision vectors of 1 to " + precision.maxIndexedDimension + " dimensions, not " + dimension);
        }
    }

    private static long align(long bytes) {
        return (bytes + 7) / 8 * 8;
    }

    private static double log2(long rows) {
        return Math.log(rows) / Math.log(2);
    }

    /** The model as calibrated by the run in docs/scaling.md. */
    public static ScalingModel calibrated() {
        return new ScalingModel(16, 71_000, 28.3, 100_000, 0.5);
    }

    /** Prints the predictions table of docs/scaling.md as Markdown. */
    public static void main(String[] args) {
        ScalingModel model = calibrated();
        long gib = 1L << 30;
        System.out.println("| rows | dims | precision | index | build memory | servers of 64 GB | of 256 GB"
                + " | build, 256 GB servers x 16 cores | query p50 / p50 at calibration |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (long rows : List.of(10_000_000L, 100_000_000L)) {
            for (int dimension : List.of(384, 768, 1536)) {
                for (Precision precision : Precision.values()) {
                    Prediction small = model.predict(rows, dimension, precision, 64 * gib, 16);
                    Prediction large = model.predict(rows, dimension, precision, 256 * gib, 16);
                    System.out.printf(Locale.ROOT, "| %,dM | %d | %s | %.0f GiB | %.0f GiB | %d | %d | %.1f h | %.1f x |%n",
                            rows / 1_000_000, dimension, precision == Precision.FULL ? "vector" : "halfvec",
                            (double) large.indexBytes() / gib, (double) large.buildMemoryBytes() / gib, small.servers(),
                            large.servers(), large.buildHours(), large.queryMillis() / model.queryMillis());
                }
            }
        }
    }
}
