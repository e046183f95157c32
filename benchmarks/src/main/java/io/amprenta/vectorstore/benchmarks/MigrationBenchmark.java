package io.amprenta.vectorstore.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.migration.IndexStrategy;
import io.amprenta.vectorstore.migration.Migration;
import io.amprenta.vectorstore.migration.MigrationReport;
import io.amprenta.vectorstore.migration.PgVectorTarget;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The performance harness for the migrator, in one run on one machine: migration throughput from the Pinecone emulator
 * (through the real client over gRPC) into a pgvector table, against one raw binary {@code COPY} of the
 * same rows into a table of the same shape (the library's columns and indexes, the HNSW index deferred in
 * both, as {@code migrate --defer-index} does); a migration into a table whose HNSW index exists, the index kept
 * against deferred; and the migrator's peak heap, in a JVM of its own, for two
 * sizes, to show that it does not grow with the number of vectors.
 *
 * <p>Raw and migration runs alternate, {@code repetitions} times each, and medians are reported: the
 * machine is shared and noisy, so only ratios within one run mean anything.
 */
public final class MigrationBenchmark {

    private static final String RAW_TABLE = "bench_migrate_raw";
    private static final String MIGRATED_TABLE = "bench_migrate";
    private static final String INDEXED_TABLE = "bench_migrate_indexed";
    private static final String INDEXED_NAMESPACE = "indexed";
    // Maintaining the index runs at a few hundred rows/s: a sample is enough to measure its rate.
    private static final int INDEXED_ROWS = Integer.getInteger("benchmark.indexedRows", 20_000);
    private static final int WORKERS = Integer.getInteger("benchmark.workers", 4);

    private final VectorStoreConfig connection;
    private final BenchmarkOptions options;
    private final PrintStream out;

    public MigrationBenchmark(VectorStoreConfig connection, BenchmarkOptions options, PrintStream out) {
        this.connection = connection;
        this.options = options;
        this.out = out;
    }

    /** Runs the throughput comparison and the heap probes, printing the report. */
    public void run() throws SQLException, IOException, InterruptedException {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), 1)
                : Dataset.generated(options.generatedRows(), 1, options.generatedDimension(), 7);
        int copies = options.ingestCopies();
        int rows = data.base().length * copies;
        out.printf("Migration benchmark: %s, %,d rows x %d dimensions (%d copies), %d workers, batches of 1000%n",
                data.description(), rows, data.dimension(), copies, WORKERS);
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(data.dimension()).metric(DistanceMetric.COSINE)
                .indexName("bench").start();
             HikariDataSource pool = PgDataSources.create(connection, WORKERS + 4)) {
            emulator.load("", records(data, copies));
            throughput(emulator, pool, data, copies, rows);
            intoIndexedTable(emulator, pool, data);
            heap(emulator, data);
        }
    }

    private void throughput(PineconeEmulator emulator, HikariDataSource pool, Dataset data, int copies, int rows)
            throws SQLException, IOException {
        double[] raw = new double[options.repetitions()];
        double[] migrated = new double[options.repetitions()];
        for (int round = 0; round < options.repetitions(); round++) {
            prepare(pool, RAW_TABLE, data.dimension());
            long started = System.nanoTime();
            try (Connection c = pool.getConnection()) {
                RawCopy.copy(c, RAW_TABLE, data.base(), copies);
            }
            raw[round] = rows / seconds(started);

            prepare(pool, MIGRATED_TABLE, data.dimension());
            Map<String, String> source = new HashMap<>(emulator.config());
            source.put("PINECONE_MAX_RETRIES", "0");
            try (VectorStore pinecone = VectorStores.get(source)) {
                PgVectorTable table = PgVectorTable.open(pool, settings(MIGRATED_TABLE, data.dimension()));
                started = System.nanoTime();
                MigrationReport report = Migration.builder(pinecone, PgVectorTarget.of(table)).runId("bench-" + round)
                        .workers(WORKERS).batchSize(1000).maxRequestsPerSecond(1_000).build().run();
                migrated[round] = report.copied() / seconds(started);
                if (report.copied() != rows) {
                    throw new IllegalStateException("the benchmark migration copied " + report.copied() + " of " + rows);
                }
            }
            out.printf("  round %d: raw COPY %,.0f rows/s, migration %,.0f rows/s%n", round + 1, raw[round], migrated[round]);
        }
        double rawMedian = median(raw);
        double migratedMedian = median(migrated);
        out.printf("migration throughput: %,.0f rows/s vs raw binary COPY %,.0f rows/s = %.2fx (target >= 0.50x)%n",
                migratedMedian, rawMedian, migratedMedian / rawMedian);
    }

    /**
     * A migration into a table whose HNSW index exists (what `schema upgrade` leaves), the index kept and maintained row
     * by row against deferred (dropped, then built once; the build is inside the measured time), alternating.
     */
    private void intoIndexedTable(PineconeEmulator emulator, HikariDataSource pool, Dataset data) throws SQLException {
        int rows = Math.min(INDEXED_ROWS, data.base().length);
        emulator.load(INDEXED_NAMESPACE, records(data, 1).subList(0, rows));
        out.printf("Migration into an indexed table: %,d rows x %d dimensions, HNSW m 16, ef_construction 64%n", rows,
                data.dimension());
        double[] kept = new double[options.repetitions()];
        double[] deferred = new double[options.repetitions()];
        for (int round = 0; round < options.repetitions(); round++) {
            kept[round] = indexedRun(emulator, pool, data, IndexStrategy.KEEP, round, rows);
            deferred[round] = indexedRun(emulator, pool, data, IndexStrategy.DEFER, round, rows);
            out.printf("  round %d: index kept %,.0f rows/s, deferred (build included) %,.0f rows/s%n", round + 1,
                    kept[round], deferred[round]);
        }
        out.printf("into an indexed table: kept %,.0f rows/s, deferred %,.0f rows/s = %.1fx%n", median(kept),
                median(deferred), median(deferred) / median(kept));
    }

    private double indexedRun(PineconeEmulator emulator, HikariDataSource pool, Dataset data, IndexStrategy strategy,
                              int round, int rows) throws SQLException {
        prepare(pool, INDEXED_TABLE, data.dimension());
        PgVectorSettings settings = settings(INDEXED_TABLE, data.dimension());
        SchemaManager.create(pool, settings).upgrade(); // builds the HNSW index on the empty table
        Map<String, String> source = new HashMap<>(emulator.config());
        source.put("PINECONE_MAX_RETRIES", "0");
        try (VectorStore pinecone = VectorStores.get(source)) {
            long started = System.nanoTime();
            MigrationReport report = Migration.builder(pinecone, PgVectorTarget.of(PgVectorTable.open(pool, settings)))
                    .runId("indexed-" + strategy + "-" + round).namespaces(List.of(INDEXED_NAMESPACE))
                    .indexStrategy(strategy).workers(WORKERS).batchSize(1000).maxRequestsPerSecond(1_000).build().run();
            if (report.copied() != rows) {
                throw new IllegalStateException("the indexed-table migration copied " + report.copied() + " of " + rows);
            }
            return rows / seconds(started);
        }
    }

    private void heap(PineconeEmulator emulator, Dataset data) throws IOException, InterruptedException, SQLException {
        List<Integer> sizes = options.heapSizes();
        out.printf("migrator peak heap, in a JVM of its own with -Xmx%dm:%n", options.heapLimitMb());
        for (int size : sizes) {
            int copies = (size + data.base().length - 1) / data.base().length;
            emulator.load("heap-" + size, records(data, copies).subList(0, size));
            try (HikariDataSource pool = PgDataSources.create(connection, 2)) {
                prepare(pool, "bench_heap_" + size, data.dimension());
            }
            Map<String, String> settings = new HashMap<>(emulator.config());
            settings.put("PINECONE_MAX_RETRIES", "0");
            settings.put("PINECONE_NAMESPACE", "heap-" + size);
            settings.putAll(connection.asMap());
            settings.put("PGVECTOR_TABLE", "bench_heap_" + size);
            settings.put("PGVECTOR_DIMENSION", String.valueOf(data.dimension()));
            settings.put("RUN_ID", "heap-" + size);
            settings.put("WORKERS", String.valueOf(WORKERS));
            Map<String, String> result = probe(settings);
            out.printf("  %,9d vectors: peak heap %,.0f MB, copied %s%n", size,
                    Long.parseLong(result.get("PEAK_HEAP_BYTES")) / 1e6, result.get("COPIED"));
        }
    }

    private Map<String, String> probe(Map<String, String> settings) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + options.heapLimitMb() + "m", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", MigrationHeapProbe.class.getName()));
        settings.forEach((key, value) -> command.add(key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String> result = new HashMap<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                output.add(line);
                int equals = line.indexOf('=');
                if (equals > 0 && line.matches("[A-Z_]+=.*")) {
                    result.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
        }
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0 || !result.containsKey("PEAK_HEAP_BYTES")) {
            throw new IllegalStateException("the heap probe failed:\n" + String.join("\n", output));
        }
        return result;
    }

    // A fresh table of the library's shape without the HNSW index, as `migrate --defer-index` leaves it.
    private void prepare(HikariDataSource pool, String table, int dimension) throws SQLException {
        try (Connection c = pool.getConnection(); Statement statement = c.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + table);
            statement.execute("DO $$ BEGIN IF to_regclass('migration_progress') IS NOT NULL THEN"
                    + " TRUNCATE migration_progress, migration_runs; END IF; END $$");
        }
        SchemaManager.create(pool, settings(table, dimension)).upgrade(UpgradeOptions.latest().deferVectorIndex());
    }

    private static PgVectorSettings settings(String table, int dimension) {
        return PgVectorSettings.builder().table(table).dimension(dimension).build();
    }

    private static List<VectorRecord> records(Dataset data, int copies) {
        List<VectorRecord> records = new ArrayList<>(data.base().length * copies);
        for (int copy = 0; copy < copies; copy++) {
            for (int row = 0; row < data.base().length; row++) {
                records.add(VectorRecord.of(PgVectorBenchmark.id(copy, row), data.base()[row], PgVectorBenchmark.metadata(row)));
            }
        }
        return records;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
