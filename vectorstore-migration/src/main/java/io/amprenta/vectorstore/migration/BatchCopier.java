package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.NonRetryableException;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one claimed batch: fetches it from the source, sets aside as failed the ids the source no longer has,
 * ids no store can take and records the source cannot return (split out like rejected writes, below), and writes the
 * rest together with their {@code done} marks in one transaction (a {@link TransactionalTarget}; any other target is
 * written first, inside the marks' transaction but not part of it).
 * A batch the target rejects (a wrong dimension, a NaN) is split in halves until the bad record is alone and marked
 * failed with the reason, so one bad record never blocks its neighbours.
 */
final class BatchCopier {

    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);

    private final VectorStore source;
    private final TargetAbilities target;
    private final DataSource progressDatabase;
    private final ProgressTable progress;
    private final RetryPolicy retry;
    private final AdaptivePace pace;
    private final String owner;

    BatchCopier(VectorStore source, TargetAbilities target, DataSource progressDatabase, ProgressTable progress,
                RetryPolicy retry, AdaptivePace pace, String owner) {
        this.source = source;
        this.target = target;
        this.progressDatabase = progressDatabase;
        this.progress = progress;
        this.retry = retry;
        this.pace = pace;
        this.owner = owner;
    }

    /** The outcome of one batch. */
    record Result(int copied, int failed, boolean claimLost, Duration took) {
    }

    Result copy(ProgressTable.Batch batch) throws InterruptedException {
        long started = System.nanoTime();
        String namespace = batch.namespace();
        Map<String, String> failures = new LinkedHashMap<>();
        // An id the source's store would refuse to fetch (too long, say) would fail the whole request: it is
        // set aside first (ARCHITECTURE.md, "A migration batch": one bad record never stops a run).
        List<String> fetchable = new ArrayList<>(batch.ids().size());
        for (String id : batch.ids()) {
            try {
                Limits.checkId(id);
                fetchable.add(id);
            } catch (InvalidRequestException invalid) {
                failures.put(id, invalid.problem());
            }
        }
        Instant readFromSourceAt = databaseClock();
        Map<String, VectorRecord> fetched = fetch(namespace, fetchable, failures);

        // Records are not checked here: the target checks every record it writes anyway, and source data is
        // nearly always valid, so a batch the target rejects is split until the bad record is alone instead.
        List<VectorRecord> writable = new ArrayList<>(fetched.size());
        for (String id : fetchable) {
            VectorRecord record = fetched.get(id);
            if (record != null) {
                writable.add(record);
            } else if (!failures.containsKey(id)) {
                failures.put(id, "not found in the source (deleted after it was listed?)");
            }
        }
        Tally tally = new Tally();
        commit(batch, writable, failures, readFromSourceAt, tally);
        return new Result(tally.copied, tally.failed, tally.claimLost, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Fetches {@code ids}; when the source fails the request because of one of its records (metadata outside the
     * source's model, say), the ids are fetched again in halves until that record is alone and recorded in
     * {@code failures}, as the write path does with records the target rejects.
     */
    private Map<String, VectorRecord> fetch(String namespace, List<String> ids, Map<String, String> failures)
            throws InterruptedException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        pace.acquire();
        try {
            Map<String, VectorRecord> fetched = retry.execute("fetch from the source", () -> source.inNamespace(namespace).fetch(ids));
            pace.succeeded();
            return fetched;
        } catch (VectorStoreException e) {
            if (!aboutARecord(e)) {
                throw e;
            }
            if (ids.size() == 1) {
                failures.put(ids.get(0), e.problem());
                return Map.of();
            }
            int half = ids.size() / 2;
            Map<String, VectorRecord> fetched = new LinkedHashMap<>(fetch(namespace, ids.subList(0, half), failures));
            fetched.putAll(fetch(namespace, ids.subList(half, ids.size()), failures));
            return fetched;
        }
    }

    /**
     * Whether a failure concerns one record of a request rather than the source, the target or the run: an invalid
     * record, metadata outside the source's model, or a value PostgreSQL refuses (a data exception, SQLSTATE class
     * 22). Anything else stops the run instead of marking every record failed.
     */
    static boolean aboutARecord(VectorStoreException e) {
        if (e instanceof InvalidRequestException || e.code() == ErrorCode.UNSUPPORTED_METADATA) {
            return true;
        }
        return !(e instanceof RetryableException || e instanceof NonRetryableException || e instanceof ConfigurationException)
                && e.getCause() instanceof SQLException sql && SqlErrors.sqlState(sql).startsWith("22");
    }

    /**
     * An instant of the progress database's clock (the target's, for a transactional target) before the source is
     * read: rows the target holds from later are newer than what the fetch returns and are kept (ARCHITECTURE.md,
     * "The backfill race").
     */
    private Instant databaseClock() {
        return retry.execute("read the database clock", () -> {
            try {
                return Jdbc.withConnection(progressDatabase, connection -> Jdbc.first(connection,
                        Jdbc.Statement.of("SELECT clock_timestamp()"),
                        row -> row.getObject(1, OffsetDateTime.class).toInstant()).orElseThrow());
            } catch (SQLException e) {
                throw SqlErrors.translate(e, "While reading the database clock, PostgreSQL", null);
            }
        });
    }

    private static final class Tally {
        int copied;
        int failed;
        boolean claimLost;
    }

    private void commit(ProgressTable.Batch batch, List<VectorRecord> records, Map<String, String> failures,
                        Instant readFromSourceAt, Tally tally) {
        if (tally.claimLost) {
            return;
        }
        try {
            retry.run("write to " + target.describe(), () -> transaction(batch, records, failures, readFromSourceAt, tally));
        } catch (VectorStoreException rejected) {
            if (!aboutARecord(rejected)) {
                throw rejected;
            }
            if (records.size() <= 1) {
                Map<String, String> all = new LinkedHashMap<>(failures);
                records.forEach(record -> all.put(record.id(), rejected.problem()));
                commit(batch, List.of(), all, readFromSourceAt, tally);
                return;
            }
            int half = records.size() / 2;
            commit(batch, records.subList(0, half), failures, readFromSourceAt, tally);
            commit(batch, records.subList(half, records.size()), Map.of(), readFromSourceAt, tally);
        }
    }

    private void transaction(ProgressTable.Batch batch, List<VectorRecord> records, Map<String, String> failures,
                             Instant readFromSourceAt, Tally tally) {
        String namespace = batch.namespace();
        try (Connection connection = progressDatabase.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Set<String> missingRows = records.isEmpty() ? Set.of() : write(connection, namespace, records, readFromSourceAt);
                Map<String, String> allFailures = new LinkedHashMap<>(failures);
                missingRows.forEach(id -> allFailures.put(id, "no row with this id in " + target.describe()
                        + " (rows missing from the target are reported, not inserted)"));
                List<String> done = records.stream().map(VectorRecord::id).filter(id -> !missingRows.contains(id)).toList();
                if (!progress.complete(connection, batch, done, allFailures, owner)) {
                    connection.rollback();
                    LOG.warn("The claim on a batch of {} ids in namespace '{}' lapsed and another process took it over;"
                            + " this process's copy was rolled back.", done.size() + allFailures.size(), namespace);
                    tally.claimLost = true;
                    return;
                }
                connection.commit();
                tally.copied += done.size();
                tally.failed += allFailures.size();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "While writing a batch, PostgreSQL", null);
        }
    }

    private Set<String> write(Connection connection, String namespace, List<VectorRecord> records, Instant readFromSourceAt)
            throws SQLException {
        if (target.transactional().isPresent()) {
            return target.transactional().get().write(connection, namespace, records, readFromSourceAt);
        }
        return target.target().write(namespace, records);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the transaction is gone with it.
        }
    }
}
