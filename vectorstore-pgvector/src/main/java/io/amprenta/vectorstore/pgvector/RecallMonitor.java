package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.observe.OperationListener;
import io.amprenta.vectorstore.observe.RecallEvent;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the recall real queries get ({@code PGVECTOR_RECALL_SAMPLE_RATE}): a sampled share of answered queries is
 * re-run by exact search on one background thread with a connection of its own, so the caller's latency never pays
 * for it, and the share of the exact top-k each answer held is averaged over the last {@link #WINDOW} samples
 * (ARCHITECTURE.md, "The query path"). Rate-capped: at most {@link #MAX_CHECKS_PER_SECOND} checks start per second
 * and at most one waits while another runs; samples beyond that are dropped, never queued. Thread-safe.
 */
final class RecallMonitor implements AutoCloseable {

    /** The most exact checks started per second, whatever the sample rate: each is a scan of the namespace. */
    static final int MAX_CHECKS_PER_SECOND = 10;
    /** How many recent samples the rolling recall is the mean of. */
    static final int WINDOW = 200;
    /** How many samples the rolling recall needs before health judges it. */
    static final int MIN_SAMPLES = 20;

    private static final Logger LOG = LoggerFactory.getLogger(RecallMonitor.class);
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / MAX_CHECKS_PER_SECOND;

    private final DataSource dataSource;
    private final Searcher searcher;
    private final PgVectorSettings settings;
    private final String backend;
    private final BackgroundWorker worker;
    private final AtomicLong nextCheck = new AtomicLong(System.nanoTime());
    private final List<OperationListener> listeners = new CopyOnWriteArrayList<>();
    private final double[] window = new double[WINDOW];
    private int filled;
    private int next;
    private long checked;
    private Connection connection;

    /**
     * What the monitor has seen.
     *
     * @param rollingRecall the mean recall of the last {@code samples} checks
     * @param samples how many checks the rolling recall is over (at most {@link #WINDOW})
     * @param checked how many checks ran since the store started
     */
    record Reading(double rollingRecall, int samples, long checked) {
    }

    RecallMonitor(DataSource dataSource, Searcher searcher, PgVectorSettings settings, String backend) {
        this.dataSource = dataSource;
        this.searcher = searcher;
        this.settings = settings;
        this.backend = backend;
        this.worker = new BackgroundWorker("vectorstore-recall-monitor " + settings.qualifiedTable());
    }

    /** Whether queries are sampled at all. */
    boolean enabled() {
        return settings.recallSampleRate() > 0;
    }

    void addListener(OperationListener listener) {
        listeners.add(listener);
    }

    /**
     * Maybe re-checks {@code query}'s answer {@code matches} in the background: costs the caller a random number and,
     * when sampled, a hand-over to the worker.
     */
    void offer(String namespace, Query query, List<Match> matches) {
        if (!enabled() || ThreadLocalRandom.current().nextDouble() >= settings.recallSampleRate()) {
            return;
        }
        long now = System.nanoTime();
        long due = nextCheck.get();
        if (now - due < 0 || !nextCheck.compareAndSet(due, now + CHECK_INTERVAL_NANOS)) {
            return;
        }
        Query exact = Query.builder(query.vector()).topK(query.topK()).filter(query.filter()).includeMetadata(false).build();
        worker.offer(() -> check(namespace, exact, matches));
    }

    /** The rolling recall, if any query was checked. */
    synchronized Optional<Reading> reading() {
        if (filled == 0) {
            return Optional.empty();
        }
        double sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += window[i];
        }
        return Optional.of(new Reading(sum / filled, filled, checked));
    }

    private void check(String namespace, Query exact, List<Match> answer) {
        List<Match> truth;
        try {
            truth = searcher.exactSearch(connection(), namespace, exact);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("A recall check of {} failed; skipping it: {}", settings.qualifiedTable(), e.toString());
            closeConnection();
            return;
        }
        if (truth.isEmpty()) {
            return;
        }
        double recall = recall(answer, truth);
        Reading reading = record(recall);
        RecallEvent event = new RecallEvent(backend, namespace, recall, reading.rollingRecall(), reading.samples(),
                settings.targetRecall());
        for (OperationListener listener : listeners) {
            try {
                listener.onRecall(event);
            } catch (RuntimeException e) {
                LOG.warn("Operation listener {} failed on a recall sample; ignoring it for this sample", listener, e);
            }
        }
    }

    /**
     * The share of the exact top-k that {@code answer} holds; a returned record at the same distance as the exact
     * k-th counts too (with duplicate vectors any of the tied records is a right answer).
     */
    static double recall(List<Match> answer, List<Match> truth) {
        Set<String> exact = new HashSet<>();
        truth.forEach(match -> exact.add(match.id()));
        double kth = truth.get(truth.size() - 1).score();
        long right = answer.stream().filter(match -> exact.contains(match.id()) || match.score() == kth).count();
        return Math.min(1.0, (double) right / truth.size());
    }

    private synchronized Reading record(double recall) {
        window[next] = recall;
        next = (next + 1) % WINDOW;
        filled = Math.min(filled + 1, WINDOW);
        checked++;
        double sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += window[i];
        }
        return new Reading(sum / filled, filled, checked);
    }

    // Only the worker thread touches the connection; it is opened on first use and again after a failure.
    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = Jdbc.open(dataSource);
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the recall monitor's connection failed: {}", e.toString());
            }
            connection = null;
        }
    }

    /** Stops the worker (a running check is interrupted) and closes its connection. */
    @Override
    public void close() {
        worker.close();
        closeConnection();
    }
}
