package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.pgvector.PgDataSources.ReadYourWrites;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a store's reads run: on the primary's {@link Database}, or, with replicas, on a second {@code Database} over
 * the replicas, falling back to the primary when no replica can answer and (read-your-writes) when the replica has not
 * replayed this store's last write. Writes never come here: they run on the primary. See ARCHITECTURE.md, "Read
 * replicas".
 *
 * <p>Choosing a replica, skipping one that refuses connections and falling back to the primary when none answers for
 * a new connection are PgJDBC's ({@code targetServerType=preferSecondary}); this class only handles what a pool of
 * established connections adds: a read that fails on a replica connection (the replica went away) is run once more on
 * the primary, and the read pool's connections are renewed so the next reads do not meet the dead ones.
 */
final class ReadReplicas implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadReplicas.class);
    private static final long POLL_MILLIS_MAX = 20;
    /** PostgreSQL's WAL page size (XLOG_BLCKSZ) and the header at the start of every page but a segment's first. */
    private static final long WAL_PAGE = 8192;
    private static final long SHORT_PAGE_HEADER = 24;

    /**
     * One server that may serve reads, looked at on its own by health checks.
     *
     * @param name its {@code host:port}, or a description of the application's DataSource
     */
    record Probe(String name, DataSource dataSource) {

        /** Validates. */
        Probe {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dataSource, "dataSource");
        }
    }

    /**
     * How reads reach replicas, before the store exists: the replicas' DataSource (null for none), the pool to close
     * with the store (null when the application owns it), the servers health checks look at, and read-your-writes.
     */
    record Setup(DataSource reads, AutoCloseable ownedPool, List<Probe> probes, ReadYourWrites readYourWrites,
                 Duration maxWait) {

        /** Validates and copies. */
        Setup {
            probes = List.copyOf(probes);
            Objects.requireNonNull(readYourWrites, "readYourWrites");
            Objects.requireNonNull(maxWait, "maxWait");
        }

        /** Every read on the primary. */
        static Setup none() {
            return new Setup(null, null, List.of(), ReadYourWrites.OFF, Duration.ZERO);
        }
    }

    /**
     * What health checks found on the servers that serve reads.
     *
     * @param details one entry per server: its name, role, and how far it is behind the primary
     * @param problem what needs attention (a replica unreachable, promoted, or paused), or null
     */
    record Status(List<Map<String, Object>> details, String problem) {
    }

    private final Database primary;
    private final Database replicas;
    private final AutoCloseable ownedPool;
    private final List<Probe> probes;
    private final ReadYourWrites readYourWrites;
    private final Duration wait;
    private final String subject;
    /** The WAL position after this store's last write; 0 before the first. */
    private final AtomicLong lastWrite = new AtomicLong();
    /** The furthest replay position seen per server ({@code host:port}), so a caught-up replica is asked only once. */
    private final Map<String, Long> replayed = new ConcurrentHashMap<>();

    ReadReplicas(Database primary, Setup setup, Duration statementTimeout, Map<String, String> sessionDefaults,
                 String subject) {
        this.primary = primary;
        // No retries on a replica: a failed read is run again on the primary, which retries itself.
        this.replicas = setup.reads() == null ? null : new Database(setup.reads(), RetryPolicy.none(),
                statementTimeout, sessionDefaults, subject);
        this.ownedPool = setup.ownedPool();
        this.probes = setup.probes();
        this.readYourWrites = setup.readYourWrites();
        this.wait = setup.maxWait();
        this.subject = subject;
    }

    /** Whether reads go to replicas at all. */
    boolean enabled() {
        return replicas != null;
    }

    /** Runs read-only {@code work} in a transaction on a replica, or on the primary (see the class comment). */
    <T> T inTransaction(String action, Jdbc.Work<T> work) {
        if (replicas == null) {
            return primary.inTransaction(action, work);
        }
        return onReplica(action, true, work);
    }

    /** Runs read-only {@code work} in auto-commit mode on a replica, or on the primary. */
    <T> T withConnection(String action, Jdbc.Work<T> work) {
        if (replicas == null) {
            return primary.withConnection(action, work);
        }
        return onReplica(action, false, work);
    }

    /**
     * Notes that this store has just committed a write on the primary, so later reads can wait for it: the primary's
     * WAL insert position now is at or past the write's commit record.
     */
    void wrote() {
        if (replicas == null || readYourWrites == ReadYourWrites.OFF) {
            return;
        }
        long position = primary.withConnection("Reading the primary's WAL position after a write to " + subject,
                connection -> Jdbc.first(connection, Jdbc.Statement.of("SELECT pg_current_wal_insert_lsn()::text"),
                        row -> recordEnd(parseLsn(row.getString(1)))).orElse(0L));
        lastWrite.accumulateAndGet(position, Math::max);
    }

    /*
     * The insert position, not pg_current_wal_lsn(): with synchronous_commit = off a commit returns before its record
     * is written, so only the insert position is surely past it. When the last record ended at a page boundary the
     * insert position points past the next page's header, while a replica reports the boundary itself; both mean the
     * same place, and without this a replica could never be seen to reach it until more WAL arrives.
     */
    static long recordEnd(long insertPosition) {
        return insertPosition % WAL_PAGE == SHORT_PAGE_HEADER ? insertPosition - SHORT_PAGE_HEADER : insertPosition;
    }

    /** What a read on a replica returned; null stands for "not caught up: read from the primary". */
    private record Served<T>(T value) {
    }

    private <T> T onReplica(String action, boolean transaction, Jdbc.Work<T> work) {
        Jdbc.Work<Served<T>> guarded = connection -> caughtUp(connection) ? new Served<>(work.run(connection)) : null;
        Served<T> served;
        try {
            served = transaction ? replicas.inTransaction(action, guarded) : replicas.withConnection(action, guarded);
        } catch (RetryableException e) {
            if (e instanceof RequestTimeoutException) {
                throw e; // The primary would take as long.
            }
            LOG.warn("{} failed on a replica, so the primary answers it: {}", action, e.problem());
            renewReadConnections();
            served = null;
        }
        return served != null ? served.value() : primaryRead(action, transaction, work);
    }

    private <T> T primaryRead(String action, boolean transaction, Jdbc.Work<T> work) {
        return transaction ? primary.inTransaction(action, work) : primary.withConnection(action, work);
    }

    // The pool's other connections to a replica that went away would fail the next reads one by one.
    private void renewReadConnections() {
        if (replicas.dataSource() instanceof com.zaxxer.hikari.HikariDataSource pool && !pool.isClosed()) {
            pool.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /*
     * Whether the server behind connection has replayed this store's last write. Waiting polls the replay position,
     * starting at 1 ms and backing off to 20 ms; a server that is not in recovery (PgJDBC fell back to the primary,
     * or the replica was promoted) has everything committed.
     */
    private boolean caughtUp(Connection connection) throws SQLException {
        long target = lastWrite.get();
        if (target == 0 || readYourWrites == ReadYourWrites.OFF) {
            return true;
        }
        String server = server(connection);
        if (replayed.getOrDefault(server, 0L) >= target) {
            return true;
        }
        long deadline = System.nanoTime() + (readYourWrites == ReadYourWrites.WAIT ? wait.toNanos() : 0);
        long pause = 1;
        while (true) {
            long position = Jdbc.first(connection, Jdbc.Statement.of(
                    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END"),
                    row -> row.getString(1) == null ? Long.MAX_VALUE : parseLsn(row.getString(1))).orElse(0L);
            replayed.merge(server, position, Math::max);
            if (position >= target) {
                return true;
            }
            if (System.nanoTime() + pause * 1_000_000 > deadline) {
                return false;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(pause * 2, POLL_MILLIS_MAX);
        }
    }

    /**
     * Each read server's role and lag: bytes of WAL it has not replayed ({@code lagBytes}, against the primary's
     * current position), and while it is behind, the seconds since the last transaction it replayed
     * ({@code lagSeconds}). A server that cannot be reached, was promoted, or has its replay paused is a problem.
     */
    Status status() {
        if (probes.isEmpty()) {
            return new Status(List.of(), null);
        }
        long primaryPosition = primary.withConnection("Reading the primary's WAL position",
                connection -> Jdbc.first(connection, Jdbc.Statement.of("SELECT pg_current_wal_lsn()::text"),
                        row -> parseLsn(row.getString(1))).orElse(0L));
        String primaryServer = primary.withConnection("Reading the primary's address", ReadReplicas::server);
        List<Map<String, Object>> details = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Probe probe : probes) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("server", probe.name());
            try {
                Database database = new Database(probe.dataSource(), RetryPolicy.none(),
                        Duration.ofSeconds(5), Map.of(), subject);
                ServerState state = database.withConnection("Health check of the read server " + probe.name(),
                        ReadReplicas::serverState);
                if (!state.inRecovery()) {
                    entry.put("role", "primary");
                    if (!state.server().equals(primaryServer)) {
                        problems.add(probe.name() + " is not in recovery: it was promoted or is not a replica, so"
                                + " reads it serves may not see what is written to DATABASE_URL");
                    }
                } else {
                    long lagBytes = Math.max(0, primaryPosition - state.replayed());
                    entry.put("role", "replica");
                    entry.put("lagBytes", lagBytes);
                    entry.put("lagSeconds", lagBytes == 0 ? 0.0 : state.secondsSinceReplay());
                    entry.put("replayPaused", state.paused());
                    if (state.paused()) {
                        problems.add(probe.name() + " has its WAL replay paused (" + lagBytes + " bytes behind); run"
                                + " SELECT pg_wal_replay_resume() on it");
                    }
                }
            } catch (VectorStoreException e) {
                entry.put("role", "unreachable");
                entry.put("error", e.problem());
                problems.add(probe.name() + " is unreachable, so reads skip it (" + e.problem() + ")");
            }
            details.add(entry);
        }
        return new Status(details, problems.isEmpty() ? null : String.join("; ", problems));
    }

    private record ServerState(String server, boolean inRecovery, long replayed, boolean paused,
                               double secondsSinceReplay) {
    }

    /** The {@code host:port} PgJDBC connected {@code connection} to, as it writes it for every connection. */
    private static String server(Connection connection) throws SQLException {
        return connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().toString();
    }

    private static ServerState serverState(Connection connection) throws SQLException {
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT pg_is_in_recovery(),"
                        + " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END,"
                        + " CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END,"
                        + " coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8"),
                row -> new ServerState(server(connection), row.getBoolean(1), row.getString(2) == null ? 0 : parseLsn(row.getString(2)),
                        row.getBoolean(3), row.getDouble(4)))
                .orElseThrow();
    }

    /** A {@code pg_lsn} such as {@code 16/B374D848} as a number, so positions compare. */
    static long parseLsn(String lsn) {
        int slash = lsn.indexOf('/');
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    @Override
    public void close() {
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                LOG.warn("Closing the read pool of {} failed: {}", subject, e.toString());
            }
        }
    }
}
