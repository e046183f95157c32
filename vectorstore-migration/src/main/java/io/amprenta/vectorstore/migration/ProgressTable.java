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
 * The migration's bookkeeping in the target database:
 * <ul>
 *   <li>{@code migration_progress}: one row per run, namespace and id, with its status ({@code pending},
 *       {@code done}, {@code failed}), attempts, last error, timestamps, and the batch it was listed in;</li>
 *   <li>{@code migration_batches}: one row per batch of ids, with the claim of the process working on it;</li>
 *   <li>{@code migration_runs}: per run and namespace, how far the id listing got.</li>
 * </ul>
 *
 * <p>Work is claimed a batch at a time: a claim is a lease on one {@code migration_batches} row
 * ({@code claimed_by}, {@code claimed_until}) that the claiming process renews while alive, so a killed
 * process's batches become claimable again within one lease, and {@code FOR UPDATE SKIP LOCKED} lets any
 * number of processes claim different batches without waiting for each other. Claiming per batch rather
 * than per id keeps the bookkeeping to one insert and one (HOT) update per id.
 */
final class ProgressTable {

    static final String PENDING = "pending";
    static final String DONE = "done";
    static final String FAILED = "failed";

    // fillfactor leaves room on each page so that marking an id done (no indexed column changes) is a HOT
    // update, without index maintenance.
    private static final String DDL = """
            CREATE TABLE IF NOT EXISTS migration_progress (
                run_id     text        NOT NULL,
                namespace  text        NOT NULL,
                chunk_id   text        NOT NULL,
                batch_no   bigint      NOT NULL,
                status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
                attempts   integer     NOT NULL DEFAULT 0,
                last_error text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (run_id, namespace, chunk_id)
            ) WITH (fillfactor = 70);
            CREATE INDEX IF NOT EXISTS migration_progress_batch ON migration_progress (run_id, namespace, batch_no);
            CREATE TABLE IF NOT EXISTS migration_batches (
                run_id        text        NOT NULL,
                namespace     text        NOT NULL,
                batch_no      bigint      NOT NULL,
                status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
                attempts      integer     NOT NULL DEFAULT 0,
                claimed_by    text,
                claimed_until timestamptz,
                updated_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (run_id, namespace, batch_no)
            ) WITH (fillfactor = 70);
            CREATE INDEX IF NOT EXISTS migration_batches_pending
                ON migration_batches (run_id, namespace, batch_no) WHERE status = 'pending';
            CREATE TABLE IF NOT EXISTS migration_runs (
                run_id           text        NOT NULL,
                namespace        text        NOT NULL,
                listing_cursor   text,
                listing_complete boolean     NOT NULL DEFAULT false,
                listed           bigint      NOT NULL DEFAULT 0,
                next_batch       bigint      NOT NULL DEFAULT 0,
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
                     + " AND to_regclass('migration_batches') IS NOT NULL AND to_regclass('migration_runs') IS NOT NULL");
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

    /** Makes failed ids pending again, and reopens their batches (resume retries them); returns how many ids. */
    int retryFailed() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement batches = connection.prepareStatement("UPDATE migration_batches b SET status = 'pending',"
                    + " claimed_by = NULL, claimed_until = NULL, updated_at = now() FROM (SELECT DISTINCT namespace, batch_no"
                    + " FROM migration_progress WHERE run_id = ? AND status = 'failed') f"
                    + " WHERE b.run_id = ? AND b.namespace = f.namespace AND b.batch_no = f.batch_no");
                 PreparedStatement ids = connection.prepareStatement("UPDATE migration_progress SET status = 'pending',"
                         + " updated_at = now() WHERE run_id = ? AND status = 'failed'")) {
                batches.setString(1, runId);
                batches.setString(2, runId);
                batches.executeUpdate();
                ids.setString(1, runId);
                int retried = ids.executeUpdate();
                connection.commit();
                return retried;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
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
     * Adds a page of listed ids as one pending batch (ids already present keep their status and batch) and
     * records the listing position in the same transaction, so a crash never loses or repeats a page.
     */
    void enqueue(String namespace, List<String> ids, String nextCursor, boolean complete) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long batch = nextBatch(connection, namespace);
                int added = 0;
                if (!ids.isEmpty()) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO migration_progress (run_id, namespace,"
                            + " chunk_id, batch_no) SELECT ?, ?, unnest(?::text[]), ? ON CONFLICT DO NOTHING")) {
                        insert.setString(1, runId);
                        insert.setString(2, namespace);
                        insert.setArray(3, textArray(connection, ids));
                        insert.setLong(4, batch);
                        added = insert.executeUpdate();
                    }
                }
                if (added > 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO migration_batches (run_id, namespace, batch_no) VALUES (?, ?, ?)")) {
                        insert.setString(1, runId);
                        insert.setString(2, namespace);
                        insert.setLong(3, batch);
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement cursor = connection.prepareStatement("UPDATE migration_runs SET listing_cursor = ?,"
                        + " listing_complete = ?, listed = listed + ?, next_batch = next_batch + 1, updated_at = now()"
                        + " WHERE run_id = ? AND namespace = ?")) {
                    cursor.setString(1, nextCursor);
                    cursor.setBoolean(2, complete);
                    cursor.setLong(3, added);
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
                // The tables have just grown by a namespace's worth of ids: give the planner statistics now
                // rather than when autovacuum gets to them.
                connection.setAutoCommit(true);
                try (Statement analyze = connection.createStatement()) {
                    analyze.execute("ANALYZE migration_progress, migration_batches");
                }
            }
        }
    }

    // Locks the namespace's listing row, so batch numbers stay unique even if two listers ever overlap.
    private long nextBatch(Connection connection, String namespace) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT next_batch FROM migration_runs WHERE run_id = ? AND namespace = ? FOR UPDATE")) {
            select.setString(1, runId);
            select.setString(2, namespace);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getLong(1);
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

    /**
     * A claimed batch: its pending ids, and the attempt this is.
     *
     * @param namespace the namespace
     * @param number the batch number
     * @param ids the batch's ids that are still pending, in id order
     * @param attempt how many times the batch has been claimed, this claim included
     */
    record Batch(String namespace, long number, List<String> ids, int attempt) {
    }

    /**
     * Claims the next batch of a namespace that nobody holds, for {@code lease}, and reads its pending
     * ids. Commits at once. Empty when there is none to claim now.
     */
    Optional<Batch> claim(String namespace, String owner, Duration lease) throws SQLException {
        // The batch row is locked by the inner SELECT and updated by its ctid (a TID scan), a plan that stays
        // fast whatever the planner believes about a table that was just filled.
        String sql = """
                UPDATE migration_batches
                   SET claimed_by = ?, claimed_until = now() + make_interval(secs => ?), attempts = attempts + 1, updated_at = now()
                 WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM migration_batches
                     WHERE run_id = ? AND namespace = ? AND status = 'pending'
                       AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY batch_no LIMIT 1 FOR UPDATE SKIP LOCKED))
                RETURNING batch_no, attempts
                """;
        try (Connection connection = dataSource.getConnection()) {
            while (true) {
                long batch;
                int attempt;
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, owner);
                    statement.setDouble(2, lease.toMillis() / 1000.0);
                    statement.setString(3, runId);
                    statement.setString(4, namespace);
                    try (ResultSet result = statement.executeQuery()) {
                        if (!result.next()) {
                            return Optional.empty();
                        }
                        batch = result.getLong(1);
                        attempt = result.getInt(2);
                    }
                }
                List<String> ids = pendingIds(connection, namespace, batch);
                if (!ids.isEmpty()) {
                    return Optional.of(new Batch(namespace, batch, ids, attempt));
                }
                // Its ids were listed again in later pages only, or finished elsewhere: nothing to do.
                closeIfFinished(connection, namespace, batch);
            }
        }
    }

    private List<String> pendingIds(Connection connection, String namespace, long batch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT chunk_id FROM migration_progress"
                + " WHERE run_id = ? AND namespace = ? AND batch_no = ? AND status = 'pending' ORDER BY chunk_id")) {
            statement.setString(1, runId);
            statement.setString(2, namespace);
            statement.setLong(3, batch);
            List<String> ids = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
            return ids;
        }
    }

    /** Extends every live claim of {@code owner}; the heartbeat of a running process. */
    int renew(String owner, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE migration_batches SET claimed_until = now()"
                     + " + make_interval(secs => ?) WHERE run_id = ? AND claimed_by = ? AND status = 'pending'")) {
            statement.setDouble(1, lease.toMillis() / 1000.0);
            statement.setString(2, runId);
            statement.setString(3, owner);
            return statement.executeUpdate();
        }
    }

    /** The processes holding claims on unfinished batches of the run. */
    List<String> claimants() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT DISTINCT claimed_by FROM migration_batches"
                     + " WHERE run_id = ? AND status = 'pending' AND claimed_by IS NOT NULL")) {
            statement.setString(1, runId);
            List<String> owners = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    owners.add(result.getString(1));
                }
            }
            return owners;
        }
    }

    /** Gives back the unfinished claims of {@code owner}, so other processes need not wait for the lease. */
    int release(String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE migration_batches SET claimed_by = NULL,"
                     + " claimed_until = NULL, updated_at = now() WHERE run_id = ? AND claimed_by = ? AND status = 'pending'")) {
            statement.setString(1, runId);
            statement.setString(2, owner);
            return statement.executeUpdate();
        }
    }

    /**
     * Records, inside the caller's transaction, that {@code done} ids of a claimed batch were written and
     * {@code failures} were not, and closes the batch when none of its ids is pending any more. Returns
     * false when {@code owner} no longer holds the batch (its lease lapsed and another process took it
     * over): the caller must roll back.
     */
    boolean complete(Connection connection, Batch batch, List<String> done, Map<String, String> failures, String owner)
            throws SQLException {
        if (!holds(connection, batch, owner)) {
            return false;
        }
        if (!done.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE migration_progress SET status = 'done',"
                    + " attempts = ?, last_error = NULL, updated_at = now()"
                    + " WHERE run_id = ? AND namespace = ? AND chunk_id = ANY(?) AND status = 'pending'")) {
                statement.setInt(1, batch.attempt());
                statement.setString(2, runId);
                statement.setString(3, batch.namespace());
                statement.setArray(4, textArray(connection, done));
                statement.executeUpdate();
            }
        }
        if (!failures.isEmpty()) {
            List<String> ids = new ArrayList<>(failures.keySet());
            List<String> errors = ids.stream().map(failures::get).toList();
            try (PreparedStatement statement = connection.prepareStatement("UPDATE migration_progress p SET status = 'failed',"
                    + " attempts = ?, last_error = f.reason, updated_at = now()"
                    + " FROM unnest(?::text[], ?::text[]) AS f(chunk_id, reason)"
                    + " WHERE p.run_id = ? AND p.namespace = ? AND p.chunk_id = f.chunk_id AND p.status = 'pending'")) {
                statement.setInt(1, batch.attempt());
                statement.setArray(2, textArray(connection, ids));
                statement.setArray(3, textArray(connection, errors));
                statement.setString(4, runId);
                statement.setString(5, batch.namespace());
                statement.executeUpdate();
            }
        }
        closeIfFinished(connection, batch.namespace(), batch.number());
        return true;
    }

    // Locks the batch row for the rest of the transaction, so a takeover cannot interleave with this write.
    private boolean holds(Connection connection, Batch batch, String owner) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT claimed_by FROM migration_batches"
                + " WHERE run_id = ? AND namespace = ? AND batch_no = ? AND status = 'pending' FOR UPDATE")) {
            statement.setString(1, runId);
            statement.setString(2, batch.namespace());
            statement.setLong(3, batch.number());
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && owner.equals(result.getString(1));
            }
        }
    }

    private void closeIfFinished(Connection connection, String namespace, long batch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE migration_batches SET status = 'done',"
                + " claimed_by = NULL, claimed_until = NULL, updated_at = now()"
                + " WHERE run_id = ? AND namespace = ? AND batch_no = ? AND NOT EXISTS (SELECT 1 FROM migration_progress"
                + " WHERE run_id = ? AND namespace = ? AND batch_no = ? AND status = 'pending')")) {
            statement.setString(1, runId);
            statement.setString(2, namespace);
            statement.setLong(3, batch);
            statement.setString(4, runId);
            statement.setString(5, namespace);
            statement.setLong(6, batch);
            statement.executeUpdate();
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

    /** Whether some batch of the namespaces is still pending, claimable now or held by a live claim. */
    boolean anyPending(List<String> namespaces) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM migration_batches"
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

    private static Array textArray(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
