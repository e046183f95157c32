package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.pgvector.internal.Jdbc.Statement;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.spi.Limits;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 *   <li>{@code migration_runs}: per run and namespace, how far the id listing got;</li>
 *   <li>{@code migration_unstorable_ids}: listed ids that PostgreSQL text cannot hold (a NUL character), kept as JSON
 *       strings with the reason; they count as failed records, and no attempt can copy them.</li>
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
            CREATE TABLE IF NOT EXISTS migration_unstorable_ids (
                run_id     text        NOT NULL,
                namespace  text        NOT NULL,
                id_json    text        NOT NULL,
                reason     text        NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (run_id, namespace, id_json)
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
        return Jdbc.withConnection(dataSource, connection -> Jdbc.first(connection, Statement.of("SELECT"
                + " to_regclass('migration_progress') IS NOT NULL AND to_regclass('migration_batches') IS NOT NULL"
                + " AND to_regclass('migration_runs') IS NOT NULL"), row -> row.getBoolean(1)).orElseThrow());
    }

    void create() throws SQLException {
        Jdbc.inTransaction(dataSource, connection -> {
            Jdbc.execute(connection, "SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
            Jdbc.execute(connection, DDL);
            return null;
        });
    }

    /** Whether this run has any progress rows or listing state. */
    boolean runExists() throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.first(connection, Statement.of(
                "SELECT EXISTS (SELECT 1 FROM migration_runs WHERE run_id = ?)", runId), row -> row.getBoolean(1))
                .orElseThrow());
    }

    /** Makes failed ids pending again, and reopens their batches (resume retries them); returns how many ids. */
    int retryFailed() throws SQLException {
        return Jdbc.inTransaction(dataSource, connection -> {
            Jdbc.update(connection, Statement.of("UPDATE migration_batches b SET status = 'pending',"
                    + " claimed_by = NULL, claimed_until = NULL, updated_at = now() FROM (SELECT DISTINCT namespace, batch_no"
                    + " FROM migration_progress WHERE run_id = ? AND status = 'failed') f"
                    + " WHERE b.run_id = ? AND b.namespace = f.namespace AND b.batch_no = f.batch_no", runId, runId));
            return Jdbc.update(connection, Statement.of("UPDATE migration_progress SET status = 'pending',"
                    + " updated_at = now() WHERE run_id = ? AND status = 'failed'", runId));
        });
    }

    // ---- listing ----

    /** The listing state of a namespace, creating it at the start. */
    ListingState listingState(String namespace) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> {
            Jdbc.update(connection, Statement.of(
                    "INSERT INTO migration_runs (run_id, namespace) VALUES (?, ?) ON CONFLICT DO NOTHING", runId, namespace));
            return Jdbc.first(connection, Statement.of("SELECT listing_cursor, listing_complete, listed FROM migration_runs"
                    + " WHERE run_id = ? AND namespace = ?", runId, namespace),
                    row -> new ListingState(row.getString(1), row.getBoolean(2), row.getLong(3))).orElseThrow();
        });
    }

    /** How far the id listing of a namespace got; {@code cursor} is where it continues. */
    record ListingState(String cursor, boolean complete, long listed) {
    }

    /**
     * Adds a page of listed ids as one pending batch (ids already present keep their status and batch) and
     * records the listing position in the same transaction, so a crash never loses or repeats a page.
     */
    void enqueue(String namespace, List<String> listed, String nextCursor, boolean complete) throws SQLException {
        // An id PostgreSQL text cannot hold would fail the whole page; it is kept aside, JSON-encoded (an injective
        // form, so no two ids share a row), and counts as a failed record (ARCHITECTURE.md, "A migration batch").
        List<String> ids = new ArrayList<>(listed.size());
        Map<String, String> unstorable = new LinkedHashMap<>();
        for (String id : listed) {
            if (id.indexOf('\0') < 0) {
                ids.add(id);
            } else {
                unstorable.put(IdLines.format(id), "The id " + Limits.quoteId(id) + " contains a NUL character (\\u0000),"
                        + " which PostgreSQL text cannot store, so neither migration_progress nor a pgvector table can"
                        + " hold it. Give the record another id at the source.");
            }
        }
        Jdbc.inTransaction(dataSource, connection -> {
            long batch = nextBatch(connection, namespace);
            int added = ids.isEmpty() ? 0 : Jdbc.update(connection, Statement.of("INSERT INTO migration_progress"
                    + " (run_id, namespace, chunk_id, batch_no) SELECT ?, ?, unnest(?::text[]), ? ON CONFLICT DO NOTHING",
                    runId, namespace, texts(ids), batch));
            if (added > 0) {
                Jdbc.update(connection, Statement.of(
                        "INSERT INTO migration_batches (run_id, namespace, batch_no) VALUES (?, ?, ?)", runId, namespace, batch));
            }
            if (!unstorable.isEmpty()) {
                Jdbc.update(connection, Statement.of("INSERT INTO migration_unstorable_ids (run_id, namespace, id_json, reason)"
                        + " SELECT ?, ?, unnest(?::text[]), unnest(?::text[]) ON CONFLICT DO NOTHING", runId, namespace,
                        texts(List.copyOf(unstorable.keySet())), texts(List.copyOf(unstorable.values()))));
            }
            Jdbc.update(connection, Statement.of("UPDATE migration_runs SET listing_cursor = ?,"
                    + " listing_complete = ?, listed = listed + ?, next_batch = next_batch + 1, updated_at = now()"
                    + " WHERE run_id = ? AND namespace = ?", nextCursor, complete, (long) added, runId, namespace));
            return null;
        });
        if (complete) {
            // The tables have just grown by a namespace's worth of ids: give the planner statistics now
            // rather than when autovacuum gets to them.
            Jdbc.withConnection(dataSource, connection -> {
                Jdbc.execute(connection, "ANALYZE migration_progress, migration_batches");
                return null;
            });
        }
    }

    // Locks the namespace's listing row, so batch numbers stay unique even if two listers ever overlap.
    private long nextBatch(Connection connection, String namespace) throws SQLException {
        return Jdbc.first(connection, Statement.of(
                "SELECT next_batch FROM migration_runs WHERE run_id = ? AND namespace = ? FOR UPDATE", runId, namespace),
                row -> row.getLong(1)).orElseThrow();
    }

    /** Whether every namespace of the run has been listed completely. */
    boolean listingComplete(List<String> namespaces) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.first(connection, Statement.of("SELECT count(*) FROM"
                + " migration_runs WHERE run_id = ? AND namespace = ANY(?) AND listing_complete", runId, texts(namespaces)),
                row -> row.getLong(1)).orElseThrow() == namespaces.size());
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

        BatchKey key() {
            return new BatchKey(namespace, number);
        }
    }

    /** Which batch: its namespace and number. */
    record BatchKey(String namespace, long number) {
    }

    /** A claim as the claiming UPDATE returns it. */
    private record Claim(long batch, int attempt) {
    }

    /**
     * Claims the next batch of a namespace that nobody holds, for {@code lease}, and reads its pending
     * ids. Commits at once. Empty when there is none to claim now.
     */
    Optional<Batch> claim(String namespace, String owner, Duration lease) throws SQLException {
        // The batch row is locked by the inner SELECT and updated by its ctid (a TID scan), a plan that stays
        // fast whatever the planner believes about a table that was just filled.
        Statement claim = Statement.of("""
                UPDATE migration_batches
                   SET claimed_by = ?, claimed_until = now() + make_interval(secs => ?), attempts = attempts + 1, updated_at = now()
                 WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM migration_batches
                     WHERE run_id = ? AND namespace = ? AND status = 'pending'
                       AND (claimed_until IS NULL OR claimed_until < now())
                     ORDER BY batch_no LIMIT 1 FOR UPDATE SKIP LOCKED))
                RETURNING batch_no, attempts
                """, owner, lease.toMillis() / 1000.0, runId, namespace);
        return Jdbc.withConnection(dataSource, connection -> {
            while (true) {
                Optional<Claim> claimed = Jdbc.first(connection, claim, row -> new Claim(row.getLong(1), row.getInt(2)));
                if (claimed.isEmpty()) {
                    return Optional.empty();
                }
                long batch = claimed.get().batch();
                List<String> ids = pendingIds(connection, namespace, batch);
                if (!ids.isEmpty()) {
                    return Optional.of(new Batch(namespace, batch, ids, claimed.get().attempt()));
                }
                // Its ids were listed again in later pages only, or finished elsewhere: nothing to do.
                closeIfFinished(connection, namespace, batch);
            }
        });
    }

    private List<String> pendingIds(Connection connection, String namespace, long batch) throws SQLException {
        return Jdbc.list(connection, Statement.of("SELECT chunk_id FROM migration_progress WHERE run_id = ?"
                + " AND namespace = ? AND batch_no = ? AND status = 'pending' ORDER BY chunk_id", runId, namespace, batch),
                row -> row.getString(1));
    }

    /** Extends every live claim of {@code owner}; the heartbeat of a running process. */
    int renew(String owner, Duration lease) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.update(connection, Statement.of("UPDATE migration_batches"
                + " SET claimed_until = now() + make_interval(secs => ?) WHERE run_id = ? AND claimed_by = ?"
                + " AND status = 'pending'", lease.toMillis() / 1000.0, runId, owner)));
    }

    /** The unfinished batches {@code owner} holds claims on. */
    List<BatchKey> claimedBy(String owner) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.list(connection, Statement.of("SELECT namespace, batch_no"
                + " FROM migration_batches WHERE run_id = ? AND status = 'pending' AND claimed_by = ?", runId, owner),
                row -> new BatchKey(row.getString(1), row.getLong(2))));
    }

    /** Gives back {@code owner}'s claim on one unfinished batch; whether it held one. */
    boolean release(String owner, BatchKey batch) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.update(connection, Statement.of("UPDATE migration_batches"
                + " SET claimed_by = NULL, claimed_until = NULL, updated_at = now() WHERE run_id = ? AND namespace = ?"
                + " AND batch_no = ? AND claimed_by = ? AND status = 'pending'", runId, batch.namespace(), batch.number(),
                owner)) == 1);
    }

    /** The processes holding claims on unfinished batches of the run. */
    List<String> claimants() throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.list(connection, Statement.of("SELECT DISTINCT claimed_by"
                + " FROM migration_batches WHERE run_id = ? AND status = 'pending' AND claimed_by IS NOT NULL", runId),
                row -> row.getString(1)));
    }

    /** Gives back the unfinished claims of {@code owner}, so other processes need not wait for the lease. */
    int release(String owner) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.update(connection, Statement.of("UPDATE migration_batches"
                + " SET claimed_by = NULL, claimed_until = NULL, updated_at = now() WHERE run_id = ? AND claimed_by = ?"
                + " AND status = 'pending'", runId, owner)));
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
            Jdbc.update(connection, Statement.of("UPDATE migration_progress SET status = 'done', attempts = ?,"
                    + " last_error = NULL, updated_at = now()"
                    + " WHERE run_id = ? AND namespace = ? AND chunk_id = ANY(?) AND status = 'pending'",
                    batch.attempt(), runId, batch.namespace(), texts(done)));
        }
        if (!failures.isEmpty()) {
            List<String> ids = new ArrayList<>(failures.keySet());
            List<String> errors = ids.stream().map(failures::get).toList();
            Jdbc.update(connection, Statement.of("UPDATE migration_progress p SET status = 'failed',"
                    + " attempts = ?, last_error = f.reason, updated_at = now()"
                    + " FROM unnest(?::text[], ?::text[]) AS f(chunk_id, reason)"
                    + " WHERE p.run_id = ? AND p.namespace = ? AND p.chunk_id = f.chunk_id AND p.status = 'pending'",
                    batch.attempt(), texts(ids), texts(errors), runId, batch.namespace()));
        }
        closeIfFinished(connection, batch.namespace(), batch.number());
        return true;
    }

    // Locks the batch row for the rest of the transaction, so a takeover cannot interleave with this write.
    private boolean holds(Connection connection, Batch batch, String owner) throws SQLException {
        return Jdbc.first(connection, Statement.of("SELECT claimed_by FROM migration_batches WHERE run_id = ?"
                + " AND namespace = ? AND batch_no = ? AND status = 'pending' FOR UPDATE", runId, batch.namespace(),
                batch.number()), row -> owner.equals(row.getString(1))).orElse(false);
    }

    private void closeIfFinished(Connection connection, String namespace, long batch) throws SQLException {
        Jdbc.update(connection, Statement.of("UPDATE migration_batches SET status = 'done',"
                + " claimed_by = NULL, claimed_until = NULL, updated_at = now()"
                + " WHERE run_id = ? AND namespace = ? AND batch_no = ? AND NOT EXISTS (SELECT 1 FROM migration_progress"
                + " WHERE run_id = ? AND namespace = ? AND batch_no = ? AND status = 'pending')",
                runId, namespace, batch, runId, namespace, batch));
    }

    // ---- reporting ----

    /** Ids of the run per status; the unstorable ids count as failed. */
    Map<String, Long> countsByStatus() throws SQLException {
        Map<String, Long> counts = new HashMap<>(Map.of(PENDING, 0L, DONE, 0L, FAILED, 0L));
        Jdbc.withConnection(dataSource, connection -> {
            Jdbc.list(connection, Statement.of(
                    "SELECT status, count(*) FROM migration_progress WHERE run_id = ? GROUP BY status", runId),
                    row -> counts.put(row.getString(1), row.getLong(2)));
            if (hasUnstorableIds(connection)) {
                long unstorable = Jdbc.first(connection, Statement.of(
                        "SELECT count(*) FROM migration_unstorable_ids WHERE run_id = ?", runId), row -> row.getLong(1)).orElseThrow();
                counts.merge(FAILED, unstorable, Long::sum);
            }
            return null;
        });
        return counts;
    }

    // Progress tables made by an earlier version lack it until the next run creates it; a dry run does not create it.
    private static boolean hasUnstorableIds(Connection connection) throws SQLException {
        return Jdbc.first(connection, Statement.of("SELECT to_regclass('migration_unstorable_ids') IS NOT NULL"),
                row -> row.getBoolean(1)).orElseThrow();
    }

    /** Whether some batch of the namespaces is still pending, claimable now or held by a live claim. */
    boolean anyPending(List<String> namespaces) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> Jdbc.first(connection, Statement.of("SELECT EXISTS (SELECT 1"
                + " FROM migration_batches WHERE run_id = ? AND namespace = ANY(?) AND status = 'pending')", runId,
                texts(namespaces)), row -> row.getBoolean(1)).orElseThrow());
    }

    /** The first {@code limit} failures with reasons, unstorable ids first. */
    List<FailedRecord> failures(int limit) throws SQLException {
        return Jdbc.withConnection(dataSource, connection -> {
            List<FailedRecord> failures = new ArrayList<>();
            if (hasUnstorableIds(connection)) {
                failures.addAll(Jdbc.list(connection, Statement.of("SELECT namespace, id_json, reason FROM"
                        + " migration_unstorable_ids WHERE run_id = ? ORDER BY namespace, id_json LIMIT ?", runId, limit),
                        row -> new FailedRecord(row.getString(1), IdLines.parse(row.getString(2), "an unstorable id")
                                .orElseThrow(), row.getString(3))));
            }
            failures.addAll(Jdbc.list(connection, Statement.of("SELECT namespace, chunk_id, last_error FROM"
                    + " migration_progress WHERE run_id = ? AND status = 'failed' ORDER BY namespace, chunk_id LIMIT ?",
                    runId, limit - failures.size()), row -> new FailedRecord(row.getString(1), row.getString(2),
                    Optional.ofNullable(row.getString(3)).orElse(""))));
            return failures;
        });
    }

    private static String[] texts(List<String> values) {
        return values.toArray(String[]::new);
    }
}
