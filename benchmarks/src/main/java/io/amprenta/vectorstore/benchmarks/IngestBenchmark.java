package io.amprenta.vectorstore.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Batched ingest: {@code VectorStore.upsert} called once per batch (of 100 and of 1,000 records, how applications and
 * framework ingestors write) against what an application would write by hand for the same batches, one transaction
 * per batch, into the same kind of table:
 * <ul>
 * <li>new rows: one binary {@code COPY t (namespace, id, embedding, ...) FROM STDIN (FORMAT BINARY)} per batch;</li>
 * <li>overwrites (every id already has a row): a binary COPY into a session-lived temporary table
 * ({@code ON COMMIT DELETE ROWS}, created once per connection) and one {@code INSERT ... SELECT ... ON CONFLICT DO
 * UPDATE} per batch.</li>
 * </ul>
 * Both into a table with only its key index and into one with an HNSW index as well. Each batch is timed on both
 * sides back to back (alternating which goes first), so load that changes during a run hits both alike; each round
 * starts from empty tables, a first warm-up round is not counted, and the median of the rounds' ratios counts.
 * Nothing is asserted.
 *
 * <p>Run it with {@code ./mvnw -B -q -pl benchmarks -am verify -DskipTests -Pbenchmark -Dit.test=IngestBenchmarkRun}.
 */
public final class IngestBenchmark {

    /** The batch sizes measured. */
    static final int[] BATCH_SIZES = {100, 1_000};
    private static final String HAND = "bench_batch_hand";
    private static final String STORE = "bench_batch_store";
    private static final String STAGE = "bench_batch_stage";
    private static final String COLUMNS = "namespace, id, embedding, embedding_model, vectorstore_metadata, embedding_updated_at";

    private final VectorStoreConfig connection;
    private final BenchmarkOptions options;
    private final int plainRows;
    private final int indexedRows;
    private final Integer copyThreshold;
    private final PrintStream out;

    /**
     * A benchmark against the database {@code connection} names.
     *
     * @param plainRows records written per pass into the table with only its key index
     * @param indexedRows records written per pass into the HNSW-indexed table (each insert walks the graph, so fewer)
     * @param copyThreshold the store's {@code PGVECTOR_COPY_THRESHOLD}; null for the default
     */
    public IngestBenchmark(VectorStoreConfig connection, BenchmarkOptions options, int plainRows, int indexedRows,
                           Integer copyThreshold, PrintStream out) {
        this.connection = connection;
        this.options = options;
        this.plainRows = plainRows;
        this.indexedRows = indexedRows;
        this.copyThreshold = copyThreshold;
        this.out = out;
    }

    /** One measured configuration: a table kind, a batch size, new rows or overwrites. */
    private record Case(String table, int batch, String kind) {
        String label() {
            return String.format(Locale.ROOT, "%-12s batches of %,5d  %-10s", table, batch, kind);
        }
    }

    /** Runs every configuration {@code repetitions} rounds and prints the report; returns each case's median ratio. */
    public Map<String, Double> run() throws SQLException, IOException {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), 1)
                : Dataset.generated(Math.max(plainRows, indexedRows), 1, options.generatedDimension(), 7);
        out.println("== Batched writes against batched COPY ==");
        out.println("data:      " + data.description());
        Map<String, double[][]> results = new LinkedHashMap<>();
        try (HikariDataSource pool = PgDataSources.create(connection.with("PGVECTOR_POOL_SIZE", "2"), 2)) {
            header(pool);
            for (boolean indexed : new boolean[] {false, true}) {
                int rows = Math.min(data.base().length, indexed ? indexedRows : plainRows);
                String suffix = indexed ? "_hnsw" : "_plain";
                PgVectorSettings handSettings = settings(HAND + suffix, data);
                PgVectorSettings storeSettings = settings(STORE + suffix, data);
                UpgradeOptions upgrade = indexed ? UpgradeOptions.latest() : UpgradeOptions.latest().deferVectorIndex();
                SchemaManager.create(pool, handSettings).upgrade(upgrade);
                SchemaManager.create(pool, storeSettings).upgrade(upgrade);
                // Both tables keep their key (and the HNSW index), nothing else, so both sides maintain the same indexes.
                dropSecondaryIndexes(pool, HAND + suffix, STORE + suffix);
                List<VectorRecord> fresh = records(data, rows, 0);
                List<VectorRecord> changed = records(data, rows, 1);
                try (VectorStore store = PgVectorStore.builder().config(storeConfig(storeSettings)).build();
                     Connection hand = pool.getConnection()) {
                    hand.setAutoCommit(false);
                    try (Statement s = hand.createStatement()) {
                        s.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + STAGE + " (namespace text, id text, embedding vector("
                                + data.dimension() + "), embedding_model text, vectorstore_metadata jsonb,"
                                + " embedding_updated_at timestamptz) ON COMMIT DELETE ROWS");
                    }
                    hand.commit();
                    // A first round on the key-only table is not counted: it warms up both sides' code (the JIT
                    // compiles each side's encoder only after many rows).
                    for (int round = indexed ? 0 : -1; round < options.repetitions(); round++) {
                        for (int batch : BATCH_SIZES) {
                            truncate(pool, HAND + suffix, STORE + suffix);
                            String table = indexed ? "HNSW" : "key only";
                            measure(results, new Case(table, batch, "new rows"), round, rows,
                                    batches(fresh, batch), hand, HAND + suffix, store, false);
                            measure(results, new Case(table, batch, "overwrites"), round, rows,
                                    batches(changed, batch), hand, HAND + suffix, store, true);
                        }
                    }
                }
                truncate(pool, HAND + suffix, STORE + suffix);
            }
        }
        return summary(results);
    }

    private void measure(Map<String, double[][]> results, Case c, int round, int rows, List<List<VectorRecord>> batches,
                         Connection hand, String handTable, VectorStore store, boolean overwrite) {
        long handNanos = 0;
        long storeNanos = 0;
        for (int i = 0; i < batches.size(); i++) {
            List<VectorRecord> batch = batches.get(i);
            if (i % 2 == 0) {
                handNanos += time(() -> byHand(hand, handTable, batch, overwrite));
                storeNanos += time(() -> store.upsert(batch));
            } else {
                storeNanos += time(() -> store.upsert(batch));
                handNanos += time(() -> byHand(hand, handTable, batch, overwrite));
            }
        }
        double handRate = rows / (handNanos / 1e9);
        double storeRate = rows / (storeNanos / 1e9);
        if (round < 0) {
            out.printf(Locale.ROOT, "  warm-up  %s  by hand %,9.0f rows/s  upsert %,9.0f rows/s  (not counted)%n", c.label(),
                    handRate, storeRate);
            return;
        }
        double[][] figures = results.computeIfAbsent(c.label(), k -> new double[3][options.repetitions()]);
        figures[0][round] = handRate;
        figures[1][round] = storeRate;
        figures[2][round] = storeRate / handRate;
        out.printf(Locale.ROOT, "  round %d  %s  by hand %,9.0f rows/s  upsert %,9.0f rows/s  ratio %.2f%n", round + 1,
                c.label(), handRate, storeRate, storeRate / handRate);
    }

    // What an application writes by hand for one batch, in one transaction.
    private static void byHand(Connection hand, String table, List<VectorRecord> batch, boolean overwrite) {
        try {
            if (overwrite) {
                RawCopy.copyRecords(hand, STAGE, batch);
                try (Statement s = hand.createStatement()) {
                    s.executeUpdate("INSERT INTO " + table + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM " + STAGE
                            + " ON CONFLICT (namespace, id) DO UPDATE SET embedding = EXCLUDED.embedding, embedding_model ="
                            + " EXCLUDED.embedding_model, vectorstore_metadata = EXCLUDED.vectorstore_metadata,"
                            + " embedding_updated_at = EXCLUDED.embedding_updated_at");
                }
            } else {
                RawCopy.copyRecords(hand, table, batch);
            }
            hand.commit();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("the hand-written batch failed: " + e.getMessage(), e);
        }
    }

    private Map<String, Double> summary(Map<String, double[][]> results) {
        out.println();
        out.printf(Locale.ROOT, "%-44s %14s %14s %8s%n", "median of " + options.repetitions() + " rounds", "by hand rows/s",
                "upsert rows/s", "ratio");
        Map<String, Double> ratios = new LinkedHashMap<>();
        results.forEach((label, figures) -> {
            double ratio = median(figures[2]);
            ratios.put(label, ratio);
            out.printf(Locale.ROOT, "%-44s %,14.0f %,14.0f %8.2f%n", label, median(figures[0]), median(figures[1]), ratio);
        });
        out.printf(Locale.ROOT, "lowest ratio %.2f (target >= 0.80)%n",
                ratios.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
        return ratios;
    }

    private void header(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version'),"
                     + " (SELECT extversion FROM pg_extension WHERE extname = 'vector')")) {
            rs.next();
            out.println("server:    PostgreSQL " + rs.getString(1) + ", pgvector " + rs.getString(2) + "; client: "
                    + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version());
        }
        out.println("rows:      " + plainRows + " per pass into the key-only table, " + indexedRows + " into the HNSW one;"
                + " each round: new rows into empty tables, then overwrites of the same ids with other vectors");
        out.println("by hand:   new rows = BEGIN; COPY t ... (FORMAT BINARY); COMMIT. overwrites = BEGIN; COPY into a"
                + " session-lived temp table; INSERT INTO t SELECT ... ON CONFLICT DO UPDATE; COMMIT");
        out.println("upsert:    VectorStore.upsert(batch) on a store with its own pool (PgVectorStore.builder().config(...)),"
                + " PGVECTOR_COPY_THRESHOLD " + (copyThreshold == null ? "default ("
                + PgVectorSettings.COPY_THRESHOLD.defaultValue().orElseThrow() + ")" : copyThreshold));
    }

    // Row i of the data as record doc-i; `shift` 1 gives each id the vector and metadata of the next row.
    private static List<VectorRecord> records(Dataset data, int rows, int shift) {
        List<VectorRecord> records = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            int source = (row + shift) % rows;
            records.add(VectorRecord.of(PgVectorBenchmark.id(0, row), data.base()[source], PgVectorBenchmark.metadata(source)));
        }
        return records;
    }

    private static List<List<VectorRecord>> batches(List<VectorRecord> records, int size) {
        List<List<VectorRecord>> batches = new ArrayList<>();
        for (int start = 0; start < records.size(); start += size) {
            batches.add(records.subList(start, Math.min(records.size(), start + size)));
        }
        return batches;
    }

    private VectorStoreConfig storeConfig(PgVectorSettings settings) {
        Map<String, String> keys = new HashMap<>(connection.asMap());
        keys.put(PgVectorSettings.TABLE.key(), settings.table());
        keys.put(PgVectorSettings.DIMENSION.key(), String.valueOf(settings.dimension()));
        keys.put(PgVectorSettings.METRIC.key(), settings.metric().configName());
        keys.put(PgVectorSettings.POOL_SIZE.key(), "2");
        if (copyThreshold != null) {
            keys.put(PgVectorSettings.COPY_THRESHOLD.key(), copyThreshold.toString());
        }
        return VectorStoreConfig.of(keys);
    }

    private static PgVectorSettings settings(String table, Dataset data) {
        return PgVectorSettings.builder().table(table).dimension(data.dimension()).metric(DistanceMetric.COSINE).build();
    }

    private static void dropSecondaryIndexes(HikariDataSource pool, String... tables) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String table : tables) {
                s.execute("DROP INDEX IF EXISTS " + table + "_metadata_gin, " + table + "_vs_pending");
            }
        }
    }

    private static void truncate(HikariDataSource pool, String... tables) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", tables));
            s.execute("CHECKPOINT");
        }
    }

    private static long time(Runnable work) {
        long started = System.nanoTime();
        work.run();
        return System.nanoTime() - started;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
