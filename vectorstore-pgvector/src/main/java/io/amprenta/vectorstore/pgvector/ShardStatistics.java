package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the coordinator's statistics of a sharded table's foreign partitions current (ARCHITECTURE.md, "Shards"):
 * {@code postgres_fdw} pushes a query branch's {@code LIMIT k} to a shard only when the coordinator expects more than
 * k rows there, foreign tables get statistics only from an {@code ANALYZE} on the coordinator, and autovacuum never
 * analyzes them. So the store does, by partition name, on one background thread with a connection of its own from the
 * primary: once when it opens on a table with a partition the coordinator never analyzed, and again whenever the rows
 * written through it since the last analysis reach {@link #THRESHOLD_ROWS} plus the coordinator's estimate (the
 * table may have doubled). Single-flight: one analysis runs at a time and at most one more waits. A failure is logged
 * with the fix and never reaches a writer. Thread-safe.
 */
final class ShardStatistics implements AutoCloseable {

    /**
     * Rows written before a table is analyzed again, plus {@link #SCALE_FACTOR} of its estimate. Autovacuum's
     * threshold for local tables (50 rows), but not its 10 % scale factor: on PostgreSQL 15 an {@code ANALYZE} of a
     * foreign table fetches every row of the shard, so analyzing at every 10 % of growth would pull a table that
     * grows through the store about ten times over. Analyzing each time the table may have doubled pulls it about
     * twice, and is enough: the plan only goes wrong while the estimate is far below the truth (fewer than k rows
     * expected where there are many), not when it is off by a factor of two.
     */
    static final long THRESHOLD_ROWS = 50;
    /** The share of the estimated rows that must be written before the next analysis (see {@link #THRESHOLD_ROWS}). */
    static final double SCALE_FACTOR = 1.0;

    private static final Logger LOG = LoggerFactory.getLogger(ShardStatistics.class);

    // reltuples is -1 until the first ANALYZE (PostgreSQL 14 and later); a partition missing from the catalog reads -2.
    private static final String ESTIMATES = "SELECT coalesce((SELECT reltuples::int8 FROM pg_class"
            + " WHERE oid = to_regclass(p.name)), -2) FROM unnest(?::text[]) WITH ORDINALITY AS p(name, position)"
            + " ORDER BY p.position";

    private final Database database;
    private final TableNames names;
    private final ShardLayout shards;
    private final BackgroundWorker worker;
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean waiting = new AtomicBoolean();
    private final AtomicLong analyses = new AtomicLong();
    private volatile long estimate;
    private volatile Connection running;
    private volatile boolean closed;

    private ShardStatistics(Database primary, TableNames names, ShardLayout shards) {
        // Without retries: a failed analysis is tried again after the next threshold's worth of writes, and closing
        // the store cancels a running one, which must not be retried.
        this.database = new Database(primary.dataSource(), RetryPolicy.none(), Duration.ZERO, Map.of(), names.display());
        this.names = names;
        this.shards = shards;
        this.worker = new BackgroundWorker("vectorstore-shard-statistics " + names.display());
    }

    /**
     * Starts keeping the statistics of {@code shards} current through {@code primary} (the store's database), and
     * analyzes, in the background, the partitions the coordinator never analyzed.
     */
    static ShardStatistics start(Database primary, TableNames names, ShardLayout shards) {
        ShardStatistics statistics = new ShardStatistics(primary, names, shards);
        statistics.worker.offer(() -> statistics.inBackground(true));
        return statistics;
    }

    /**
     * Counts {@code rows} written through the store (upserted or deleted); when the count since the last analysis
     * reaches the threshold, asks the background thread for one. Costs the caller an addition.
     */
    void wrote(long rows) {
        if (rows <= 0 || written.addAndGet(rows) < threshold()) {
            return;
        }
        if (waiting.compareAndSet(false, true) && !worker.offer(() -> inBackground(false))) {
            waiting.set(false);
        }
    }

    /** The rows written since the last analysis that start the next one. */
    long threshold() {
        return THRESHOLD_ROWS + (long) (SCALE_FACTOR * estimate);
    }

    /** How many analyses this instance has finished, in the background or asked for; for tests. */
    long analyses() {
        return analyses.get();
    }

    /** Analyzes every partition now, on {@code connection} (the caller's thread: {@code PgVectorTable.analyze()}). */
    void analyzeNow(Connection connection) throws SQLException {
        written.set(0);
        analyze(connection, shards.partitions());
        estimate = total(estimates(connection, shards.partitions()));
        analyses.incrementAndGet();
    }

    private void inBackground(boolean opening) {
        if (!opening) {
            waiting.set(false);
        }
        // Rows written from here on count towards the next analysis; those before are in this one's sample.
        long counted = opening ? 0 : written.getAndSet(0);
        List<String> analyzed = new ArrayList<>(shards.partitions());
        try {
            database.withConnection("Analyzing the foreign partitions of " + names.display(), connection -> {
                running = connection;
                try {
                    if (opening) {
                        List<Long> before = estimates(connection, shards.partitions());
                        analyzed.clear();
                        for (int i = 0; i < before.size(); i++) {
                            if (before.get(i) == -1) {
                                analyzed.add(shards.partitions().get(i));
                            }
                        }
                        estimate = total(before);
                        if (analyzed.isEmpty()) {
                            return null;
                        }
                    }
                    analyze(connection, analyzed);
                    estimate = total(estimates(connection, shards.partitions()));
                    analyses.incrementAndGet();
                    return null;
                } finally {
                    running = null;
                }
            });
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Analyzing the coordinator's statistics of {} failed ({} rows written since the last analysis);"
                        + " until they are current, a query may fetch every row of a shard instead of its top k. It is"
                        + " tried again after as many more writes; to fix it now, run on the coordinator: {}",
                        names.display(), counted, String.join("; ", analyzed.stream().map(ShardStatistics::analyzeSql)
                                .toList()), e);
            }
        }
    }

    /** Stops the background thread, cancelling an analysis in progress. */
    @Override
    public void close() {
        closed = true;
        Connection connection = running;
        if (connection != null) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.debug("Cancelling the analysis of {} failed: {}", names.display(), e.toString());
            }
        }
        worker.close();
    }

    /** The statement that refreshes the coordinator's statistics of one foreign partition. */
    static String analyzeSql(String partition) {
        // By partition, never the parent: analyzing a partitioned parent samples every shard a second time, for
        // inheritance statistics that the per-shard query branches never use.
        return "ANALYZE " + partition;
    }

    /** Analyzes each of {@code partitions} (quoted and qualified) on {@code connection}. */
    static void analyze(Connection connection, List<String> partitions) throws SQLException {
        for (String partition : partitions) {
            Jdbc.execute(connection, analyzeSql(partition));
        }
    }

    /**
     * The coordinator's row estimate of each of {@code partitions}, in order: -1 when it never analyzed the
     * partition, -2 when there is no such partition.
     */
    static List<Long> estimates(Connection connection, List<String> partitions) throws SQLException {
        return Jdbc.list(connection, Jdbc.Statement.of(ESTIMATES, (Object) partitions.toArray(String[]::new)),
                row -> row.getLong(1));
    }

    /** An estimate as {@code schema status} and {@code health} show it. */
    static String describe(long estimate) {
        return estimate == -1 ? "never analyzed on the coordinator"
                : estimate < 0 ? "no partition on the coordinator"
                : String.format(Locale.ROOT, "~%,d rows on the coordinator", estimate);
    }

    /**
     * What {@code schema status} lists as a problem for a partition with {@code estimate}: a partition the
     * coordinator never analyzed, and the fix.
     */
    static Optional<String> problem(String partition, long estimate) {
        if (estimate != -1) {
            return Optional.empty();
        }
        return Optional.of("The coordinator never analyzed its foreign partition " + partition + ", so a query fetches"
                + " every row of this shard instead of its top k. Run `" + analyzeSql(partition) + "` on the coordinator"
                + " (a store opened on the table does it by itself). [docs/scaling.md#shards]");
    }

    private static long total(List<Long> estimates) {
        return estimates.stream().mapToLong(rows -> Math.max(rows, 0)).sum();
    }
}
