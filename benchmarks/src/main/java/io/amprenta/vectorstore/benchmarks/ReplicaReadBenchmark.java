package io.amprenta.vectorstore.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.cutover.LatencySummary;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.SearchStatement;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Read throughput of a store whose reads go to streaming replicas, against the same store on the primary alone and
 * against what a user would do by hand (a second pool of their own on the replica, running the store's SQL with plain
 * JDBC). Several threads query for a fixed time per configuration; the configurations take turns, round after round,
 * and the median of the rounds counts. The report gives queries per second and ratios; on one machine the replicas
 * share its cores with the primary, so the ratios say what routing costs and where reads land, not how a fleet of
 * replica machines scales. A second part times a write followed by a read of it in each read-your-writes mode.
 */
public final class ReplicaReadBenchmark {

    private static final String TABLE = "bench_replica_reads";
    private static final int TOP_K = 10;
    private static final int THREADS = 4;
    private static final long PHASE_MILLIS = 5_000;

    private final VectorStoreConfig primary;
    private final List<String> replicaUrls;
    private final Runnable awaitReplicas;
    private final BenchmarkOptions options;
    private final PrintStream out;

    /**
     * A benchmark against the primary {@code primary} names and its streaming replicas.
     *
     * @param replicaUrls the replicas' URLs, in any {@code DATABASE_URL} form
     * @param awaitReplicas returns once every replica has replayed what the primary wrote so far
     */
    public ReplicaReadBenchmark(VectorStoreConfig primary, List<String> replicaUrls, Runnable awaitReplicas,
                                BenchmarkOptions options, PrintStream out) {
        this.primary = primary;
        this.replicaUrls = List.copyOf(replicaUrls);
        this.awaitReplicas = awaitReplicas;
        this.options = options;
        this.out = out;
    }

    /** Loads the data, measures every configuration and prints the report. */
    public void run() throws SQLException, IOException, InterruptedException {
        Dataset data = options.dataset().isPresent() ? Dataset.load(options.dataset().get(), options.queries())
                : Dataset.generated(options.generatedRows(), options.queries(), options.generatedDimension(), 7);
        out.println("== Read replicas: query throughput ==");
        out.println("data:      " + data.description() + "; top-" + TOP_K + ", " + THREADS + " client threads, "
                + PHASE_MILLIS / 1000 + " s per configuration per round, " + options.repetitions() + " rounds");
        PgVectorSettings settings = PgVectorSettings.builder().table(TABLE).dimension(data.dimension()).build();
        try (HikariDataSource pool = PgDataSources.create(primary, 2)) {
            SchemaManager.create(pool, settings).upgrade(UpgradeOptions.latest().deferVectorIndex());
            try (VectorStore store = PgVectorStore.builder().dataSource(pool).settings(settings).build()) {
                List<VectorRecord> records = new ArrayList<>(data.base().length);
                for (int row = 0; row < data.base().length; row++) {
                    records.add(VectorRecord.of("doc-" + row, data.base()[row], Map.of()));
                }
                store.upsert(records);
                store.unwrap(PgVectorTable.class).buildVectorIndex(IndexBuildOptions.defaults());
            }
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE " + TABLE);
            }
        }
        awaitReplicas.run();

        List<Query> queries = Arrays.stream(data.queries()).map(v -> Query.builder(v).topK(TOP_K).build()).toList();
        Map<String, double[]> rates = new LinkedHashMap<>();
        String[] names = new String[replicaUrls.size() + 2];
        names[0] = "store, primary only";
        for (int n = 1; n <= replicaUrls.size(); n++) {
            names[n] = "store, reads on " + n + " replica" + (n == 1 ? "" : "s");
        }
        names[names.length - 1] = "by hand: own pool on 1 replica, plain JDBC";
        for (String name : names) {
            rates.put(name, new double[options.repetitions()]);
        }
        for (int round = 0; round < options.repetitions(); round++) {
            for (int turn = 0; turn < names.length; turn++) {
                int which = (round + turn) % names.length;
                double rate = which == names.length - 1 ? byHand(queries) : throughStore(queries, which);
                rates.get(names[which])[round] = rate;
            }
        }
        double base = median(rates.get(names[0]));
        double oneReplica = median(rates.get(names[1]));
        double hand = median(rates.get(names[names.length - 1]));
        out.println();
        for (Map.Entry<String, double[]> entry : rates.entrySet()) {
            double rate = median(entry.getValue());
            out.printf(Locale.ROOT, "%-44s %8.1f queries/s  / primary only %.2f   rounds %s%n", entry.getKey(), rate,
                    rate / base, Arrays.toString(Arrays.stream(entry.getValue()).map(Math::round).toArray()));
        }
        out.println();
        out.printf(Locale.ROOT, "store on 1 replica / by hand on the same replica: %.2f%n", oneReplica / hand);
        out.println("(median of the rounds; every configuration runs the same queries with the same settings)");
        readYourWrites(data);
        out.println();
        out.println("index scans of " + TABLE + " per server over the whole run (pg_stat_user_tables.idx_scan), where the"
                + " reads landed:");
        out.println("  primary    " + indexScans(primary.asMap().get("DATABASE_URL")));
        for (int n = 0; n < replicaUrls.size(); n++) {
            out.println("  replica " + (n + 1) + "  " + indexScans(replicaUrls.get(n)));
        }
    }

    // Statistics are kept per server, on a hot standby too, and reach the view within a second or so.
    private long indexScans(String url) throws SQLException, InterruptedException {
        Thread.sleep(1_500);
        Map<String, String> keys = new HashMap<>(primary.asMap());
        keys.put("DATABASE_URL", url);
        try (HikariDataSource pool = PgDataSources.create(VectorStoreConfig.of(keys), 1);
             Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables WHERE relname = '"
                     + TABLE + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static final int WRITE_READ_PAIRS = 300;

    // One thread writes a record and fetches it back, as a request handler that saves and then shows would.
    private void readYourWrites(Dataset data) {
        out.println();
        out.println("== Read-your-writes: upsert one record, then fetch it; " + WRITE_READ_PAIRS + " pairs per mode,"
                + " after a warm-up; the store's sessions commit synchronously (PostgreSQL's default) ==");
        double base = 0;
        for (String mode : new String[] {"primary only", "off", "primary", "wait"}) {
            Map<String, String> keys = new HashMap<>(storeConfig(mode.equals("primary only") ? 0 : 1).asMap());
            // The harness's servers commit asynchronously, so WAL would reach replicas only with the WAL writer's
            // next round (200 ms); applications usually commit synchronously, which sends it at once.
            String url = keys.get("DATABASE_URL");
            keys.put("DATABASE_URL", url + (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Don");
            keys.put(PgDataSources.READ_YOUR_WRITES.key(), mode.equals("primary only") ? "off" : mode);
            try (VectorStore store = PgVectorStore.builder().config(VectorStoreConfig.of(keys)).build()) {
                long[] nanos = new long[WRITE_READ_PAIRS];
                int missed = 0;
                for (int i = -WRITE_READ_PAIRS / 10; i < WRITE_READ_PAIRS; i++) {
                    String id = "ryw-" + mode.replace(' ', '-') + "-" + i;
                    long started = System.nanoTime();
                    store.upsert(List.of(VectorRecord.of(id, data.base()[Math.floorMod(i, data.base().length)], Map.of())));
                    boolean found = store.fetch(List.of(id)).containsKey(id);
                    if (i >= 0) {
                        nanos[i] = System.nanoTime() - started;
                        missed += found ? 0 : 1;
                    }
                }
                LatencySummary latency = LatencySummary.of(nanos);
                if (base == 0) {
                    base = latency.p50Millis();
                }
                out.printf(Locale.ROOT, "%-26s upsert+fetch p50 %6.3f ms  p99 %6.3f ms  / primary only %.2f  fetch missed"
                                + " the write %d of %d%n", mode.equals("primary only") ? "store, primary only"
                                : "replica, read-your-writes " + mode, latency.p50Millis(), latency.p99Millis(),
                        latency.p50Millis() / base, missed, WRITE_READ_PAIRS);
            }
        }
    }

    private VectorStoreConfig storeConfig(int replicas) {
        Map<String, String> keys = new HashMap<>(primary.asMap());
        keys.put(PgVectorSettings.TABLE.key(), TABLE);
        keys.put(PgVectorSettings.POOL_SIZE.key(), String.valueOf(THREADS));
        if (replicas > 0) {
            keys.put(PgDataSources.READ_REPLICA_URLS.key(), String.join(",", replicaUrls.subList(0, replicas)));
        }
        return VectorStoreConfig.of(keys);
    }

    private double throughStore(List<Query> queries, int replicas) throws InterruptedException {
        try (VectorStore store = PgVectorStore.builder().config(storeConfig(replicas)).build()) {
            return measure(index -> store.query(queries.get(index % queries.size())));
        }
    }

    // What a user does without the library's routing: a second pool on the replica, the same SQL and settings.
    private double byHand(List<Query> queries) throws InterruptedException {
        Map<String, String> keys = new HashMap<>(primary.asMap());
        keys.put("DATABASE_URL", replicaUrls.get(0));
        keys.put(PgVectorSettings.TABLE.key(), TABLE);
        List<SearchStatement> statements;
        try (VectorStore store = PgVectorStore.builder().config(storeConfig(0)).build()) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            statements = queries.stream().map(query -> table.searchStatement("", query)).toList();
        }
        try (HikariDataSource pool = PgDataSources.create(VectorStoreConfig.of(keys), THREADS)) {
            ThreadLocal<Connection> connections = new ThreadLocal<>();
            List<Connection> opened = new ArrayList<>();
            try {
                return measure(index -> {
                    SearchStatement statement = statements.get(index % statements.size());
                    Connection connection = connections.get();
                    if (connection == null) {
                        connection = pool.getConnection();
                        synchronized (opened) {
                            opened.add(connection);
                        }
                        for (Map.Entry<String, String> setting : statement.settings().entrySet()) {
                            try (PreparedStatement set = connection.prepareStatement("SELECT set_config(?, ?, false)")) {
                                set.setString(1, setting.getKey());
                                set.setString(2, setting.getValue());
                                set.execute();
                            }
                        }
                        com.pgvector.PGvector.addVectorType(connection);
                        connections.set(connection);
                    }
                    try (PreparedStatement prepared = connection.prepareStatement(statement.sql())) {
                        for (int i = 0; i < statement.parameters().size(); i++) {
                            prepared.setObject(i + 1, statement.parameters().get(i));
                        }
                        try (ResultSet rows = prepared.executeQuery()) {
                            int columns = rows.getMetaData().getColumnCount();
                            while (rows.next()) {
                                for (int column = 1; column <= columns; column++) {
                                    rows.getObject(column);
                                }
                            }
                        }
                    }
                });
            } finally {
                for (Connection connection : opened) {
                    try {
                        connection.close();
                    } catch (SQLException ignored) {
                        // the pool closes it anyway
                    }
                }
            }
        }
    }

    /** One query's work, numbered. */
    private interface Work {
        void run(int index) throws Exception;
    }

    // Queries per second of THREADS threads for PHASE_MILLIS, after one warm-up pass over the queries.
    private double measure(Work work) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t * 1_000;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < options.queries() / THREADS + 1; i++) {
                        work.run(offset + i);
                    }
                    return 0;
                }));
            }
            for (Future<Integer> result : results) {
                result.get();
            }
            results.clear();
            long started = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                int offset = t * 7_919;
                results.add(threads.submit(() -> {
                    int done = 0;
                    while (!stop.get()) {
                        work.run(offset + done);
                        done++;
                    }
                    return done;
                }));
            }
            Thread.sleep(PHASE_MILLIS);
            stop.set(true);
            long total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            return total / ((System.nanoTime() - started) / 1e9);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a benchmark query failed: " + e.getCause(), e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
