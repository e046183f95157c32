package io.amprenta.vectorstore.benchmarks;

import com.pgvector.PGvector;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGStatement;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.cutover.LatencySummary;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.SearchStatement;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import io.amprenta.vectorstore.internal.MetadataJson;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * The pgvector part of the performance harness. On one database and one data set, in one run, it
 * reports every figure next to a raw baseline measured in the same run:
 * <ol>
 * <li>ingest: {@code VectorStore.upsert} of all rows into an un-indexed table against one raw binary COPY of the
 * same rows;</li>
 * <li>query latency: {@code VectorStore.query} against a plain JDBC {@code PreparedStatement} running the same SQL
 * with the same {@code hnsw.*} settings on a dedicated connection;</li>
 * <li>recall@10 against exact search (brute force in Java), unfiltered and with 10 % and 1 % metadata filters, and
 * the rows returned per query, for the library's defaults and for pgvector's defaults.</li>
 * </ol>
 * Nothing here asserts a time; the targets are printed with the figures.
 *
 * <p>Run it with {@code ./mvnw -B -q -pl benchmarks -am verify -DskipTests -Pbenchmark} (see docs/pgvector.md),
 * which starts it through {@code PgVectorBenchmarkRun} on the test harness's PostgreSQL.
 */
public final class PgVectorBenchmark {

    static final int TOP_K = 10;
    private static final String INGEST_RAW = "bench_ingest_copy";
    private static final String INGEST_UPSERT = "bench_ingest_upsert";
    private static final String QUERY_TABLE = "bench_query";
    private static final int INFO_BATCH = 1_000;

    private final VectorStoreConfig connection;
    private final BenchmarkOptions options;
    private final PrintStream out;

    /** A benchmark against the database {@code connection} names ({@code DATABASE_URL} or libpq variables). */
    public PgVectorBenchmark(VectorStoreConfig connection, BenchmarkOptions options, PrintStream out) {
        this.connection = connection;
        this.options = options;
        this.out = out;
    }

    /** The id of base row {@code row} in copy {@code copy} of the data. */
    static String id(int copy, int row) {
        return copy == 0 ? "doc-" + row : "doc-" + copy + "-" + row;
    }

    /** The metadata of base row {@code row}: {@code bucket10 = row % 10} (10 % filters), {@code bucket100 = row % 100} (1 %). */
    static Map<String, Object> metadata(int row) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("bucket10", (double) (row % 10));
        metadata.put("bucket100", (double) (row % 100));
        return metadata;
    }

    /** {@link #metadata} as stored. */
    static String metadataJson(int row) {
        return MetadataJson.write(metadata(row));
    }

    /** Runs every part and prints the report. */
    public Report run() throws SQLException, IOException {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), options.queries())
                : Dataset.generated(options.generatedRows(), options.queries(), options.generatedDimension(), 7);
        Report report = new Report();
        try (HikariDataSource pool = PgDataSources.create(connection.with("PGVECTOR_POOL_SIZE", "4"), 4)) {
            header(pool, data);
            if (options.parts().contains("ingest")) {
                ingest(pool, data, report);
            }
            if (options.parts().contains("queries")) {
                queries(pool, data, report);
            }
        }
        out.println();
        out.println("== Targets ==");
        report.targets.forEach(out::println);
        return report;
    }

    private void header(HikariDataSource pool, Dataset data) throws SQLException {
        out.println("== pgvector benchmark ==");
        out.println("data:      " + data.description());
        if (!data.real()) {
            out.println("NOTE:      the real data set was not found" + options.missingDataset().map(p -> " at " + p).orElse("")
                    + " (pass -Dbenchmark.dataset=DIR);"
                    + " these figures come from generated clustered vectors, and the recall targets are stated for real"
                    + " embeddings.");
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version'),"
                     + " (SELECT extversion FROM pg_extension WHERE extname = 'vector')")) {
            rs.next();
            out.println("server:    PostgreSQL " + rs.getString(1) + ", pgvector " + rs.getString(2) + "; client: "
                    + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version());
        }
    }

    // ---------------------------------------------------------------- ingest

    private void ingest(HikariDataSource pool, Dataset data, Report report) throws SQLException, IOException {
        int rows = data.base().length * options.ingestCopies();
        out.println();
        out.println("== Ingest: " + rows + " rows x " + data.dimension() + " into an un-indexed table (primary key only),"
                + " median of " + options.repetitions() + " ==");
        List<VectorRecord> records = new ArrayList<>(rows);
        for (int copy = 0; copy < options.ingestCopies(); copy++) {
            for (int row = 0; row < data.base().length; row++) {
                records.add(VectorRecord.of(id(copy, row), data.base()[row], metadata(row)));
            }
        }
        PgVectorSettings rawSettings = settings(INGEST_RAW, data);
        PgVectorSettings upsertSettings = settings(INGEST_UPSERT, data);
        // The table with its (namespace, id) key and no other index, so both sides maintain the same index: every
        // column (the metadata column comes with version 3), then the filtering and pending indexes dropped.
        SchemaManager.create(pool, rawSettings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        SchemaManager.create(pool, upsertSettings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        keyIndexOnly(pool, INGEST_RAW, INGEST_UPSERT);
        double[] raw = new double[options.repetitions()];
        double[] upsert = new double[options.repetitions()];
        double[] ratios = new double[options.repetitions()];
        try (VectorStore store = PgVectorStore.builder().dataSource(pool).settings(upsertSettings).build()) {
            for (int rep = 0; rep < options.repetitions(); rep++) {
                truncate(pool, INGEST_RAW, INGEST_UPSERT);
                // Alternate which side goes first, so that neither always meets a warmer cache.
                if (rep % 2 == 0) {
                    raw[rep] = rowsPerSecond(rows, () -> rawCopy(pool, data));
                    upsert[rep] = rowsPerSecond(rows, () -> store.upsert(records));
                } else {
                    upsert[rep] = rowsPerSecond(rows, () -> store.upsert(records));
                    raw[rep] = rowsPerSecond(rows, () -> rawCopy(pool, data));
                }
                ratios[rep] = upsert[rep] / raw[rep];
                out.printf(Locale.ROOT, "  run %d: raw COPY %,.0f rows/s, upsert %,.0f rows/s, ratio %.2f%n", rep + 1, raw[rep],
                        upsert[rep], ratios[rep]);
            }
            double rawMedian = median(raw);
            double upsertMedian = median(upsert);
            out.printf(Locale.ROOT, "raw binary COPY (one COPY, one transaction)     %,10.0f rows/s (median)%n", rawMedian);
            out.printf(Locale.ROOT, "VectorStore.upsert (one call, all rows)         %,10.0f rows/s (median)   ratio of"
                    + " medians %.2f, median of the runs' ratios %.2f%n", upsertMedian, upsertMedian / rawMedian, median(ratios));
            // Each run measures both back to back, so its ratio cancels load that changes between runs.
            report.target("upsert rate / raw binary COPY rate (median of runs)", median(ratios), ">=", 0.80);

            truncate(pool, INGEST_UPSERT);
            double batched = rowsPerSecond(rows, () -> {
                for (int start = 0; start < records.size(); start += INFO_BATCH) {
                    store.upsert(records.subList(start, Math.min(records.size(), start + INFO_BATCH)));
                }
            });
            out.printf(Locale.ROOT, "VectorStore.upsert, batches of %d (info)      %,10.0f rows/s   ratio %.2f%n",
                    INFO_BATCH, batched, batched / rawMedian);
            double overwrite = rowsPerSecond(rows, () -> store.upsert(records));
            out.printf(Locale.ROOT, "VectorStore.upsert overwriting every row (info) %,10.0f rows/s   ratio %.2f%n",
                    overwrite, overwrite / rawMedian);
            int small = Math.min(records.size(), 10_000);
            truncate(pool, INGEST_UPSERT);
            double inserts = rowsPerSecond(small, () -> {
                for (int start = 0; start < small; start += 100) {
                    store.upsert(records.subList(start, Math.min(small, start + 100)));
                }
            });
            out.printf(Locale.ROOT, "VectorStore.upsert, batches of 100 (INSERT path, info) %,6.0f rows/s  ratio %.2f%n",
                    inserts, inserts / rawMedian);
        }
        truncate(pool, INGEST_RAW, INGEST_UPSERT);
    }

    private void rawCopy(HikariDataSource pool, Dataset data) {
        try (Connection c = pool.getConnection()) {
            RawCopy.copy(c, INGEST_RAW, data.base(), options.ingestCopies());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("raw COPY failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- queries

    private void queries(HikariDataSource pool, Dataset data, Report report) throws SQLException {
        PgVectorSettings settings = settings(QUERY_TABLE, data);
        SchemaManager.create(pool, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
        truncate(pool, QUERY_TABLE);
        try (VectorStore store = PgVectorStore.builder().dataSource(pool).settings(settings).build()) {
            List<VectorRecord> records = new ArrayList<>(data.base().length);
            for (int row = 0; row < data.base().length; row++) {
                records.add(VectorRecord.of(id(0, row), data.base()[row], metadata(row)));
            }
            store.upsert(records);
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            long started = System.nanoTime();
            table.buildVectorIndex(IndexBuildOptions.defaults());
            out.println();
            out.printf(Locale.ROOT, "HNSW index (m=%d, ef_construction=%d) built over %d rows in %.1f s (info)%n",
                    settings.hnswM(), settings.hnswEfConstruction(), records.size(), (System.nanoTime() - started) / 1e9);
            latency(pool, store, table, data, report);
        }
        recall(pool, settings, data, report);
    }

    private void latency(HikariDataSource pool, VectorStore onDataSource, PgVectorTable table, Dataset data, Report report)
            throws SQLException {
        out.println();
        out.println("== Query latency against hand-written JDBC: top-" + TOP_K + ", " + data.queries().length
                + " queries (never stored vectors) x " + options.latencyRounds() + " rounds after " + options.warmUpQueries()
                + " warm-up queries per side; the"
                + " five sides run each query in a shuffled order ==");
        out.println("   hand JDBC  = SELECT id, <metadata>, embedding <=> ? AS d FROM t [WHERE <metadata> @> ?::jsonb]"
                + " ORDER BY embedding <=> ? LIMIT 10,");
        out.println("                one PreparedStatement on one connection that ran SET hnsw.ef_search (and, filtered,"
                + " SET hnsw.iterative_scan) once, at the store's values");
        out.println("   own pool   = PgVectorStore.builder().config(...): the store's own HikariCP pool");
        out.println("   DataSource = PgVectorStore.builder().dataSource(appPool): an application's HikariCP pool");
        out.println("   same SQL   = the store's SQL and settings through plain JDBC (info: isolates the client side)");
        out.println("   hand JDBC, prepareThreshold=0 = the hand-written query as a one-shot statement, planned with its values");
        Map<String, String> keys = new HashMap<>(connection.asMap());
        keys.put(PgVectorSettings.TABLE.key(), QUERY_TABLE);
        keys.put(PgVectorSettings.DIMENSION.key(), String.valueOf(data.dimension()));
        keys.put(PgVectorSettings.POOL_SIZE.key(), "2");
        try (VectorStore own = PgVectorStore.builder().config(VectorStoreConfig.of(keys)).build()) {
            latency(pool, own, onDataSource, table, data, report, new Case("unfiltered", q -> null, q -> row -> true));
            latency(pool, own, onDataSource, table, data, report, new Case("10% filter", q -> Filter.eq("bucket10", q % 10),
                    q -> row -> row % 10 == q % 10));
        }
    }

    // One case: the four sides interleaved on the same queries, their p50/p99, the ratios and each side's recall.
    private void latency(HikariDataSource pool, VectorStore own, VectorStore onDataSource, PgVectorTable table,
                         Dataset data, Report report, Case testCase) throws SQLException {
        float[][] queries = data.queries();
        boolean filtered = testCase.filter.apply(0) != null;
        // A first query reads the table's statistics and calibrations, which decide the settings the SQL names.
        onDataSource.query(Query.builder(queries[0]).topK(TOP_K).filter(testCase.filter.apply(0)).build());
        SearchStatement statement = table.searchStatement("", Query.builder(queries[0]).topK(TOP_K).filter(testCase.filter.apply(0)).build());
        String metadata = PgVectorSettings.METADATA_COLUMN.defaultValue().orElseThrow();
        String handSql = "SELECT id, " + metadata + ", embedding <=> ? AS d FROM " + QUERY_TABLE
                + (filtered ? " WHERE " + metadata + " @> ?::jsonb" : "") + " ORDER BY embedding <=> ? LIMIT " + TOP_K;
        try (Connection hand = pool.getConnection(); Connection same = pool.getConnection()) {
            // What a user of pgvector-java does once per connection: register the type, set the scan settings.
            PGvector.addVectorType(hand);
            try (Statement set = hand.createStatement()) {
                set.execute("SET hnsw.ef_search = " + statement.settings().get("hnsw.ef_search"));
                if (filtered) {
                    set.execute("SET hnsw.iterative_scan = " + statement.settings().get("hnsw.iterative_scan"));
                }
            }
            PGvector.addVectorType(same);
            for (Map.Entry<String, String> setting : statement.settings().entrySet()) {
                try (PreparedStatement set = same.prepareStatement("SELECT set_config(?, ?, false)")) {
                    set.setString(1, setting.getKey());
                    set.setString(2, setting.getValue());
                    set.execute();
                }
            }
            try (PreparedStatement handQuery = hand.prepareStatement(handSql);
                 PreparedStatement handOneShot = hand.prepareStatement(handSql);
                 PreparedStatement sameQuery = same.prepareStatement(statement.sql())) {
                // The same hand-written query, never server-prepared: PostgreSQL plans it with the values every time.
                handOneShot.unwrap(PGStatement.class).setPrepareThreshold(0);
                int samples = queries.length * options.latencyRounds();
                long[][] nanos = new long[5][samples];
                double[] found = new double[5];
                // Warm-up rounds first: timing starts once each side has run warmUpQueries queries, so that the JIT has
                // compiled both the store's path and plain JDBC's (C2 compiles a method after thousands of calls).
                int warmUpRounds = Math.max(1, (options.warmUpQueries() + queries.length - 1) / queries.length);
                List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4));
                Random turns = new Random(42);
                for (int round = -warmUpRounds; round < options.latencyRounds(); round++) {
                    for (int q = 0; q < queries.length; q++) {
                        Filter filter = testCase.filter.apply(q);
                        Query query = Query.builder(queries[q]).topK(TOP_K).filter(filter).build();
                        List<Object> parameters = table.searchStatement("", query).parameters();
                        PGvector vector = new PGvector(queries[q]);
                        List<Object> handParameters = filtered ? List.of(vector, MetadataJson.write(Map.of("bucket10",
                                (double) (q % 10))), vector) : List.of(vector, vector);
                        int[] truth = round == 0 ? ExactSearch.topK(data.base(), queries[q], TOP_K, DistanceMetric.COSINE,
                                testCase.rows.apply(q)) : null;
                        // A fresh order for every query: a side that always ran right after the same other side
                        // would always meet the cache that side left (the same query's graph pages).
                        Collections.shuffle(order, turns);
                        for (int turn = 0; turn < 5; turn++) {
                            int which = order.get(turn);
                            long started = System.nanoTime();
                            int[] rows = switch (which) {
                                case 0 -> timeJdbc(handQuery, handParameters);
                                case 4 -> timeJdbc(handOneShot, handParameters);
                                case 1 -> rowsOf(own.query(query));
                                case 2 -> rowsOf(onDataSource.query(query));
                                case 3 -> timeJdbc(sameQuery, parameters);
                                default -> throw new IllegalStateException("no side " + which);
                            };
                            long took = System.nanoTime() - started;
                            if (rows.length == 0) {
                                throw new IllegalStateException("side " + which + " returned no rows");
                            }
                            if (round >= 0) {
                                nanos[which][round * queries.length + q] = took;
                            }
                            if (truth != null) {
                                found[which] += overlap(truth, rows) / (double) truth.length;
                            }
                        }
                    }
                }
                String[] names = {"hand JDBC", "VectorStore.query, own pool", "VectorStore.query, DataSource",
                        "same SQL, plain JDBC (info)", "hand JDBC, prepareThreshold=0"};
                // The baseline at matched recall: the hand-written statement whose plan scans the HNSW index. Filtered,
                // PgJDBC's server-prepared statement gets a generic plan after five runs, which sorts every matching
                // row (exact, recall 1, slower); the one-shot statement is planned with the filter's value.
                int baseline = filtered ? 4 : 0;
                out.println("  ratios against: " + names[baseline]);
                LatencySummary hand0 = LatencySummary.of(nanos[baseline]);
                for (int side = 0; side < 5; side++) {
                    LatencySummary latency = LatencySummary.of(nanos[side]);
                    out.printf(Locale.ROOT, "%-11s %-31s p50 %6.3f ms  p99 %6.3f ms  p50 ratio %.2f  p99 ratio %.2f"
                                    + "  recall@10 %.4f%n", testCase.name, names[side], latency.p50Millis(), latency.p99Millis(),
                            latency.p50Millis() / hand0.p50Millis(), latency.p99Millis() / hand0.p99Millis(),
                            found[side] / queries.length);
                }
                report.target("query p50 / hand JDBC p50, " + testCase.name + ", own pool",
                        LatencySummary.of(nanos[1]).p50Millis() / hand0.p50Millis(), "<=", 1.15);
                report.target("query p50 / hand JDBC p50, " + testCase.name + ", DataSource",
                        LatencySummary.of(nanos[2]).p50Millis() / hand0.p50Millis(), "<=", 1.15);
                out.println("  the store's SQL (same-SQL side), with " + new TreeMap<>(statement.settings()) + ":");
                out.println("    " + statement.sql().replace("\n", "\n    "));
                out.println("  the hand-written SQL: " + handSql);
            }
        }
    }

    private static int[] timeJdbc(PreparedStatement plain, List<Object> parameters) {
        try {
            for (int i = 0; i < parameters.size(); i++) {
                plain.setObject(i + 1, parameters.get(i));
            }
            List<Integer> rows = new ArrayList<>(TOP_K);
            try (ResultSet rs = plain.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String id = rs.getString(1);
                    for (int c = 2; c <= columns; c++) {
                        rs.getObject(c);
                    }
                    rows.add(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)));
                }
            }
            return rows.stream().mapToInt(Integer::intValue).toArray();
        } catch (SQLException e) {
            throw new IllegalStateException("plain JDBC query failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- recall

    private void recall(HikariDataSource pool, PgVectorSettings settings, Dataset data, Report report) {
        float[][] queries = data.queries();
        out.println();
        out.println("== Recall@" + TOP_K + " against exact search (" + queries.length + " queries) ==");
        List<Case> cases = List.of(
                new Case("unfiltered", q -> null, q -> row -> true),
                new Case("10% filter", q -> Filter.eq("bucket10", q % 10), q -> row -> row % 10 == q % 10),
                new Case("1% filter", q -> Filter.eq("bucket100", q % 100), q -> row -> row % 100 == q % 100));
        int[][][] truth = new int[cases.size()][queries.length][];
        for (int c = 0; c < cases.size(); c++) {
            for (int q = 0; q < queries.length; q++) {
                truth[c][q] = ExactSearch.topK(data.base(), queries[q], TOP_K, DistanceMetric.COSINE, cases.get(c).rows.apply(q));
            }
        }
        if (data.groundTruth() != null) {
            int agree = 0;
            for (int q = 0; q < queries.length; q++) {
                agree += overlap(truth[0][q], data.groundTruth()[q]);
            }
            out.printf(Locale.ROOT, "exact search agrees with the shipped gt.i32 on %.4f of the top-10 rows%n",
                    agree / (double) (queries.length * TOP_K));
        }
        out.println("configuration                                               case          recall@10  rows/query  p50 ms");
        Map<String, UnaryOperator<PgVectorSettings.Builder>> configurations = new LinkedHashMap<>();
        configurations.put("library defaults (ef_search " + settings.efSearch() + ", iterative, exact fallback)", s -> s);
        configurations.put("library defaults without the exact fallback (index only)", s -> s.exactFallback(false));
        configurations.put("pgvector defaults (ef_search 40, no iterative scan)", s -> s.efSearch(40)
                .iterativeScan(PgVectorSettings.IterativeScan.OFF).exactFallback(false));
        if (options.sweep()) {
            for (int ef : new int[] {40, 64, 80, 100, 128, 160, 200, 300}) {
                configurations.put("sweep: ef_search " + ef + ", iterative, no fallback", s -> s.efSearch(ef).exactFallback(false));
            }
        }
        for (Map.Entry<String, UnaryOperator<PgVectorSettings.Builder>> configuration : configurations.entrySet()) {
            PgVectorSettings tuned = configuration.getValue().apply(settings.toBuilder()).build();
            try (VectorStore store = PgVectorStore.builder().dataSource(pool).settings(tuned).build()) {
                for (int c = 0; c < cases.size(); c++) {
                    Case testCase = cases.get(c);
                    double found = 0;
                    double returned = 0;
                    long[] nanos = new long[queries.length];
                    for (int q = 0; q < queries.length; q++) {
                        Query query = Query.builder(queries[q]).topK(TOP_K).filter(testCase.filter.apply(q)).build();
                        long started = System.nanoTime();
                        List<Match> matches = store.query(query);
                        nanos[q] = System.nanoTime() - started;
                        found += overlap(truth[c][q], rowsOf(matches)) / (double) truth[c][q].length;
                        returned += matches.size();
                    }
                    double recall = found / queries.length;
                    double rows = returned / queries.length;
                    out.printf(Locale.ROOT, "%-59s %-12s  %9.4f  %10.2f  %6.3f%n", configuration.getKey(), testCase.name,
                            recall, rows, LatencySummary.of(nanos).p50Millis());
                    if (configuration.getKey().startsWith("library defaults (")) {
                        if (c != 2) {
                            report.target("recall@10 at defaults, " + testCase.name, recall, ">=", 0.95);
                        }
                        report.target("rows per top-10 query at defaults, " + testCase.name, rows, ">=", 10.0);
                    }
                }
            }
        }
    }

    private static int[] rowsOf(List<Match> matches) {
        return matches.stream().mapToInt(match -> {
            String id = match.id();
            return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        }).toArray();
    }

    private static int overlap(int[] expected, int[] actual) {
        Set<Integer> wanted = new HashSet<>();
        Arrays.stream(expected).forEach(wanted::add);
        return (int) Arrays.stream(actual).filter(wanted::contains).count();
    }

    // ---------------------------------------------------------------- helpers

    private static PgVectorSettings settings(String table, Dataset data) {
        return PgVectorSettings.builder().table(table).dimension(data.dimension()).metric(DistanceMetric.COSINE)
                .retry(RetryPolicy.none()).build();
    }

    private static void keyIndexOnly(HikariDataSource pool, String... tables) throws SQLException {
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

    private static double rowsPerSecond(int rows, Runnable work) {
        long started = System.nanoTime();
        work.run();
        return rows / ((System.nanoTime() - started) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private record Case(String name, IntFunction<Filter> filter, IntFunction<IntPredicate> rows) {
    }

    /** The target figures of a run, for printing and for the smoke test. */
    public static final class Report {
        private final List<String> targets = new ArrayList<>();
        private final Map<String, Double> values = new LinkedHashMap<>();

        void target(String name, double value, String comparison, double bound) {
            boolean met = comparison.equals(">=") ? value >= bound : value <= bound;
            values.put(name, value);
            targets.add(String.format(Locale.ROOT, "%-48s %8.3f  (target %s %.2f)  %s", name, value, comparison, bound,
                    met ? "met" : "NOT MET"));
        }

        /** Each target's measured value, by name. */
        public Map<String, Double> values() {
            return values;
        }

        /** The target lines as printed. */
        public List<String> lines() {
            return List.copyOf(targets);
        }
    }
}
