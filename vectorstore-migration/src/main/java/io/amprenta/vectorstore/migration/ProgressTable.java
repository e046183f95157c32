package io.amprenta.vectorstore.migration;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code migration_progress} table (one row per run, namespace and id: pending, done or failed,
 * attempts, last error, timestamps, and the claim of the process working on it) and
 * {@code migration_runs} (per run and namespace: how far the id listing got).
 *
 * <p>A claim is a lease: {@code claimed_by} names a process and {@code claimed_until} when its claim
 * lapses. Processes renew their leases while alive, so a killed process's ids become claimable again
 * within one lease, and {@code FOR UPDATE SKIP LOCKED} lets any number of processes claim disjoint
 * batches without waiting on each other.
 */
final class ProgressTable {

    static final String PENDING = "pending";
    static final String DONE = "done";
    static final String FAILED = "failed";

    private static final String DDL = """
            CREATE TABLE IF NOT EXISTS migration_progress (
                run_id        text        NOT NULL,
                namespace     text        NOT NULL,
                chunk_id      text        NOT NULL,
                status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
                attempts      integer     NOT NULL DEFAULT 0,
                last_error    text,
                claimed_by    text,
                claimed_until timestamptz,
                created_at    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (run_id, namespace, chunk_id)
            );
            CREATE INDEX IF NOT EXISTS migration_progress_pending
                ON migration_progress (run_id, namespace, chunk_id) WHERE status = 'pending';
            CREATE TABLE IF NOT EXISTS migration_runs (
                run_id           text        NOT NULL,
                namespace        text        NOT NULL,
                listing_cursor   text,
                listing_complete boolean     NOT NULL DEFAULT false,
                listed           bigint      NOT NULL DEFAULT 0,
                started_at       timestamptz NOT NULL DEFAULT now(),
                updated_at       timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (run_id, namespace)
            );
            """;

    // Any fixed key: serializes creating the tables across processes.
    private static final long DDL_LOCK = 0x7665_6374_6f72_5350L;

    private final DataSource dataSource;
    private final String runId;

    ProgressTable(DataSource dataSource, String runId) {
        this.dataSource = dataSource;
        this.runId = runId;
    }

    String runId() {
        return runId;
    }

    /** Whether the tables exist (read-only; for dry runs). */
    boolean exists() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT to_regclass('migration_progress') IS NOT NULL"
                     + " AND to_regclass('migration_runs') IS NOT NULL");
             ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getBoolean(1);
        }
    }

    void create() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                statement.execute(DDL);
            }
            connection.commit();
        }
    }

    /** Whether this run has any progress rows or listing state. */
    boolean runExists() throws SQLException {
        return queryLong("SELECT count(*) FROM (SELECT 1 FROM migration_runs WHERE run_id = ? LIMIT 1) r") > 0;
    }

    /** Makes failed ids pending again (resume retries them); returns how many. */
    int retryFailed() throws SQLException {
        return update("UPDATE migration_progress SET status = 'pending', claimed_by = NULL, claimed_until = NULL,"
                + " updated_at = now() WHERE run_id = ? AND status = 'failed'");
    }

    // ---- listing ----

    /** The listing state of a namespace, creating it at the start. */
    ListingState listingState(String namespace) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO migration_runs (run_id, namespace) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, runId);
                insert.setString(2, namespace);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT listing_cursor, listing_complete, listed FROM migration_runs WHERE run_id = ? AND namespace = ?")) {
                select.setString(1, runId);
                select.setString(2, namespace);
                try (ResultSet result = select.executeQuery()) {
                    result.next();
                    return new ListingState(result.getString(1), result.getBoolean(2), result.getLong(3));
                }
            }
        }
    }

    /** How far the id listing of a namespace got; {@code cursor} is where it continues. */
    record ListingState(String cursor, boolean complete, long listed) {
    }

    /**
     * Adds listed ids as pending (ids already present keep their status) and records the listing
     * position in the same transaction, so a crash never loses or repeats a page.
     */
    void enqueue(String namespace, List<String> ids, String nextCursor, boolean complete) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!ids.isEmpty()) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO migration_progress (run_id, namespace,"
                            + " chunk_id) SELECT ?, ?, unnest(?::text[]) ON CONFLICT DO NOTHING")) {
                        insert.setString(1, runId);
                        insert.setString(2, namespace);
                        insert.setArray(3, textArray(connection, ids));
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement cursor = connection.prepareStatement("UPDATE migration_runs SET listing_cursor = ?,"
                        + " listing_complete = ?, listed = listed + ?, updated_at = now() WHERE run_id = ? AND namespace = ?")) {
                    cursor.setString(1, nextCursor);
                    cursor.setBoolean(2, complete);
                    cursor.setLong(3, ids.size());
                    cursor.setString(4, runId);
                    cursor.setString(5, namespace);
                    cursor.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            if (complete) {
                // The table has just grown by a namespace's worth of ids: give the planner statistics now rather
                // than when autovacuum gets to it.
                connection.setAutoCommit(true);
                try (Statement analyze = connection.createStatement()) {
                    analyze.execute("ANALYZE migration_progress");
                }
            }
        }
    }

    /** Whether every namespace of the run has been listed completely. */
    boolean listingComplete(List<String> namespaces) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM migration_runs"
                     + " WHERE run_id = ? AND namespace = ANY(?) AND listing_complete")) {
            statement.setString(1, runId);
            statement.setArray(2, textArray(connection, namespaces));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1) == namespaces.size();
            }
        }
    }

    // ---- claims ----

    /** Claims up to {@code limit} pending ids of a namespace that nobody holds, for {@code lease}. Commits at once. */
    List<String> claim(String namespace, int limit, String owner, Duration lease) throws SQLException {
        // The rows are locked by the inner SELECT and updated by their ctid (a TID scan), a plan that stays fast
        // whatever the planner believes: joined back by key, a table without statistics yet was joined in a nested
        // loop that took 23 s per claim at 40,000 ids. As a plain subquery in UPDATE ... FROM, PostgreSQL may also
        // re-scan a locking subquery and claim more than LIMIT rows; ARRAY(...) is evaluated once.
        String sql = """
                UPDATE migration_progress
                   SET claimed_by = ?, claimed_until = now() + make_interval(secs => ?), attempts = attempts + 1, updated_at = now()
                 WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM migration_progress
                     WHERE run_id = ? AND namespace = ? AND status = 'pending'
                       AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY chunk_id LIMIT ? FOR UPDATE SKIP LOCKED))
                RETURNING chunk_id
                """;
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, owner);
            statement.setDouble(2, lease.toMillis() / 1000.0);
            statement.setString(3, runId);
            statement.setString(4, namespace);
            statement.setInt(5, limit);
            List<String> ids = new ArrayList<>(limit);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
            ids.sort(null);
            return ids;
        }
    }

    /** Extends every live claim of {@code owner}; the heartbeat of a running process. */
    int renew(String owner, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE migration_progress SET claimed_until = now()"
                     + " + make_interval(secs => ?) WHERE run_id = ? AND claimed_by = ? AND status = 'pending'")) {
            statement.setDouble(1, lease.toMillis() / 1000.0);
            statement.setString(2, runId);
            statement.setString(3, owner);
            return statement.executeUpdate();
        }
    }

    /** Gives back the unfinished claims of {@code owner}, so other processes need not wait for the lease. */
    int release(String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE migration_progress SET claimed_by = NULL,"
                     + " claimed_until = NULL, updated_at = now() WHERE run_id = ? AND claimed_by = ? AND status = 'pending'")) {
            statement.setString(1, runId);
            statement.setString(2, owner);
            return statement.executeUpdate();
        }
    }

    /**
     * Marks claimed ids done inside the caller's transaction. Returns false when {@code owner} no longer
     * holds all of them (its lease lapsed and another process took some over): the caller must roll back.
     */
    boolean markDone(Connection connection, String namespace, List<String> ids, String owner) throws SQLException {
        if (ids.isEmpty()) {
            return true;
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE migration_progress SET status = 'done',"
                + " claimed_by = NULL, claimed_until = NULL, last_error = NULL, updated_at = now()"
                + " WHERE run_id = ? AND namespace = ? AND chunk_id = ANY(?) AND claimed_by = ? AND status = 'pending'")) {
            statement.setString(1, runId);
            statement.setString(2, namespace);
            statement.setArray(3, textArray(connection, ids));
            statement.setString(4, owner);
            return statement.executeUpdate() == ids.size();
        }
    }

    /** Marks claimed ids failed with their reasons inside the caller's transaction; false as for {@link #markDone}. */
    boolean markFailed(Connection connection, String namespace, Map<String, String> reasons, String owner) throws SQLException {
        if (reasons.isEmpty()) {
            return true;
        }
        List<String> ids = new ArrayList<>(reasons.keySet());
        List<String> errors = ids.stream().map(reasons::get).toList();
        try (PreparedStatement statement = connection.prepareStatement("UPDATE migration_progress p SET status = 'failed',"
                + " last_error = f.reason, claimed_by = NULL, claimed_until = NULL, updated_at = now()"
                + " FROM unnest(?::text[], ?::text[]) AS f(chunk_id, reason)"
                + " WHERE p.run_id = ? AND p.namespace = ? AND p.chunk_id = f.chunk_id AND p.claimed_by = ? AND p.status = 'pending'")) {
            statement.setArray(1, textArray(connection, ids));
            statement.setArray(2, textArray(connection, errors));
            statement.setString(3, runId);
            statement.setString(4, namespace);
            statement.setString(5, owner);
            return statement.executeUpdate() == ids.size();
        }
    }

    // ---- reporting ----

    /** Rows of the run per status. */
    Map<String, Long> countsByStatus() throws SQLException {
        Map<String, Long> counts = new HashMap<>(Map.of(PENDING, 0L, DONE, 0L, FAILED, 0L));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT status, count(*) FROM migration_progress WHERE run_id = ? GROUP BY status")) {
            statement.setString(1, runId);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    counts.put(result.getString(1), result.getLong(2));
                }
            }
        }
        return counts;
    }

    /** Whether some pending id of the namespaces is claimable now or held by a live claim. */
    boolean anyPending(List<String> namespaces) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM migration_progress"
                     + " WHERE run_id = ? AND namespace = ANY(?) AND status = 'pending')")) {
            statement.setString(1, runId);
            statement.setArray(2, textArray(connection, namespaces));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    /** The first {@code limit} failures with reasons. */
    List<FailedRecord> failures(int limit) throws SQLException {
        List<FailedRecord> failures = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT namespace, chunk_id, last_error FROM migration_progress"
                     + " WHERE run_id = ? AND status = 'failed' ORDER BY namespace, chunk_id LIMIT ?")) {
            statement.setString(1, runId);
            statement.setInt(2, limit);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    failures.add(new FailedRecord(result.getString(1), result.getString(2),
                            Optional.ofNullable(result.getString(3)).orElse("")));
                }
            }
        }
        return failures;
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private int update(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            return statement.executeUpdate();
        }
    }

    private static Array textArray(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
