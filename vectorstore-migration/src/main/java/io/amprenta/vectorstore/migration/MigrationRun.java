package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import io.amprenta.vectorstore.spi.Limits;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution of a {@link Migration}: the lister, the workers, the lease heartbeat and the progress ticks. The plan
 * ({@link MigrationPlanner}), the claimant's name ({@link ClaimOwner}) and the counting ({@link ThroughputMeter}) are
 * types of their own.
 */
final class MigrationRun {

    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);
    private static final int REPORTED_FAILURES = 100;
    // How many records of each namespace the sparse-values check reads: one page of a Pinecone listing.
    private static final int SPARSE_SAMPLE = 100;
    // Idle workers wait on this for the lister of this process; other processes' listings they notice by polling.
    private final Object newBatch = new Object();
    // The batches this process's workers hold, and a lock that claims share and the orphan sweep takes alone
    // (ARCHITECTURE.md, "A migration batch": a claim nobody works on).
    private final Set<ProgressTable.BatchKey> working = ConcurrentHashMap.newKeySet();
    private final ReadWriteLock claiming = new ReentrantReadWriteLock();

    private final Migration.Settings settings;
    private final VectorStore source;
    private final String owner = ClaimOwner.newName();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    private final ThroughputMeter meter = new ThroughputMeter();
    private final ProgressTable progress;
    private final AdaptivePace fetchPace;
    private final AdaptivePace listPace;
    private final RetryPolicy retry;
    private List<String> namespaces = List.of();

    MigrationRun(Migration.Settings settings, VectorStore source) {
        this.settings = settings;
        this.source = source;
        this.progress = new ProgressTable(settings.progressDatabase(), settings.runId());
        // Pinecone limits listing and fetching separately, so each has a pace of its own (ARCHITECTURE.md, "Pacing").
        this.fetchPace = new AdaptivePace(settings.maxRequestsPerSecond(), AdaptivePace.SYSTEM);
        this.listPace = new AdaptivePace(settings.listRequestsPerSecond(), AdaptivePace.SYSTEM);
        // Every throttling seen while retrying also slows the shared pace.
        this.retry = settings.retryPolicy();
    }

    void requestStop() {
        stopRequested.set(true);
    }

    private boolean stopping() {
        return stopRequested.get() || fatal.get() != null;
    }

    MigrationReport execute() {
        List<String> checks = settings.target().preflight();
        // The first source call is retried like every later one, so a storm at start-up is ridden out too.
        StoreStats sourceStats = throttleAware(retry, fetchPace).execute("read the source's index statistics", source::stats);
        namespaces = resolveNamespaces(sourceStats);
        checkDimensions(sourceStats);
        int sampled = checkSparseValues();
        if (settings.dryRun()) {
            long done = db("reading progress", () -> progress.exists() ? progress.countsByStatus().get(ProgressTable.DONE) : 0L);
            MigrationPlan plan = MigrationPlanner.plan(settings, source, sourceStats, namespaces, checks, done);
            MigrationReport report = new MigrationReport(settings.runId(), MigrationReport.Outcome.DRY_RUN,
                    sampled == 0 ? "Dry run: nothing was written and no records were read from the source."
                            : "Dry run: nothing was written; " + sampled + " records were read from the source to look for"
                            + " sparse values.", 0, done, done, 0, List.of(),
                    meter.elapsed(), 0);
            settings.listeners().forEach(listener -> listener.started(plan));
            settings.listeners().forEach(listener -> listener.finished(report));
            return report;
        }
        return copy(checks, sourceStats);
    }

    private MigrationReport copy(List<String> checks, StoreStats sourceStats) {
        db("creating migration_progress", () -> {
            progress.create();
            return null;
        });
        if (db("looking up the run", progress::runExists) && !settings.resume()) {
            Map<String, Long> counts = db("counting progress", progress::countsByStatus);
            throw new ConfigurationException(ErrorCode.MIGRATION_RUN_EXISTS, "The migration run '" + settings.runId()
                    + "' already has progress in migration_progress (" + counts.get(ProgressTable.DONE) + " done, "
                    + counts.get(ProgressTable.FAILED) + " failed, " + counts.get(ProgressTable.PENDING) + " pending). Pass"
                    + " --resume to continue it (done ids are skipped, failed ones retried), or --run-id to start a new run.");
        }
        if (settings.resume()) {
            int retried = db("retrying failed ids", progress::retryFailed);
            if (retried > 0) {
                LOG.info("Resuming run '{}': retrying {} failed ids", settings.runId(), retried);
            }
        }
        releaseClaimsOfDeadLocalProcesses();
        long alreadyDone = db("counting progress", progress::countsByStatus).get(ProgressTable.DONE);
        MigrationPlan plan = MigrationPlanner.plan(settings, source, sourceStats, namespaces, checks, alreadyDone);
        settings.listeners().forEach(listener -> listener.started(plan));
        if (plan.index().defer()) {
            // Records the definitions first, in the same transaction (ARCHITECTURE.md, "Index strategy").
            settings.target().indexed().orElseThrow().dropVectorIndex();
        }

        BatchCopier copier = new BatchCopier(source, settings.target(), settings.progressDatabase(), progress,
                throttleAware(retry, fetchPace), fetchPace, owner);
        // One listing page becomes one batch, so pages are as large as batches.
        IdLister lister = new IdLister(settings.idSource(), source, settings.target().rowsWithoutEmbedding(),
                settings.progressDatabase(), progress, throttleAware(retry, listPace),
                listPace, settings.batchSize(), this::batchListed);
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, daemon("vectorstore-migration-timer"));
        ExecutorService threads = Executors.newFixedThreadPool(settings.workers() + 1, daemon("vectorstore-migration"));
        try {
            long leaseMillis = settings.lease().toMillis();
            timers.scheduleWithFixedDelay(this::renewClaims, leaseMillis / 3, leaseMillis / 3, TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
            Future<?> listing = threads.submit(() -> guard("listing ids", () -> listAll(lister)));
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < settings.workers(); i++) {
                workers.add(threads.submit(() -> guard("copying", () -> work(copier))));
            }
            for (Future<?> worker : workers) {
                await(worker);
            }
            // The workers are done; the lister has nothing left to feed.
            stopRequested.set(true);
            await(listing);
        } finally {
            timers.shutdownNow();
            threads.shutdownNow();
            releaseClaims();
        }
        return finish(alreadyDone, plan.index());
    }

    // ---- the threads ----

    private void listAll(IdLister lister) throws InterruptedException {
        while (!stopping()) {
            boolean everyNamespaceListed = true;
            for (String namespace : namespaces) {
                if (stopping()) {
                    return;
                }
                if (!db("reading the listing state", () -> progress.listingState(namespace)).complete()) {
                    db("listing ids", () -> lister.listIfFree(namespace, this::stopping));
                    everyNamespaceListed &= db("reading the listing state", () -> progress.listingState(namespace)).complete();
                }
            }
            if (everyNamespaceListed) {
                return;
            }
            // Another process is listing a namespace; look again in case it dies.
            Thread.sleep(1_000);
        }
    }

    private void work(BatchCopier copier) throws InterruptedException {
        while (!stopping()) {
            boolean copiedSomething = false;
            for (String namespace : namespaces) {
                if (stopping()) {
                    return;
                }
                Optional<ProgressTable.Batch> batch = claim(namespace);
                if (batch.isEmpty()) {
                    continue;
                }
                BatchCopier.Result result;
                try {
                    result = copier.copy(batch.get());
                } finally {
                    working.remove(batch.get().key());
                }
                meter.copied(result.copied());
                settings.listeners().forEach(listener -> listener.batchCommitted(namespace, result.copied(), result.failed(), result.took()));
                copiedSomething = true;
            }
            if (!copiedSomething) {
                boolean listed = db("checking the listing", () -> progress.listingComplete(namespaces));
                if (listed && !db("checking for remaining work", () -> progress.anyPending(namespaces))) {
                    return;
                }
                if (listed) {
                    // Only now can an orphan keep the run from completing; before, workers idle while the listing
                    // feeds them, and a sweep on every idle turn would hold up their claims.
                    releaseOrphanedClaims();
                }
                synchronized (newBatch) {
                    newBatch.wait(IDLE_WAIT.toMillis());
                }
            }
        }
    }

    // Workers that caught up with the listing start on a new batch at once, not after their idle wait: with fast
    // batches they would otherwise spend much of a run asleep.
    private void batchListed() {
        synchronized (newBatch) {
            newBatch.notifyAll();
        }
    }

    private Optional<ProgressTable.Batch> claim(String namespace) {
        claiming.readLock().lock();
        try {
            Optional<ProgressTable.Batch> batch = db("claiming a batch", () -> progress.claim(namespace, owner, settings.lease()));
            batch.ifPresent(claimed -> working.add(claimed.key()));
            return batch;
        } finally {
            claiming.readLock().unlock();
        }
    }

    /**
     * Gives back the claims of this process that no worker of it works on. Such a claim is left when a connection
     * drops after the claiming UPDATE committed but before its worker read the batch's ids (a database restart):
     * the worker's retry claims another batch, and the heartbeat would renew the forgotten one for ever, so that
     * the run never completes. Runs only while no claim is in progress here, so every batch claimed by this
     * process and not being worked on is such an orphan.
     */
    private void releaseOrphanedClaims() {
        if (!claiming.writeLock().tryLock()) {
            return; // another worker is claiming: work is still moving
        }
        try {
            for (ProgressTable.BatchKey batch : db("reading this process's claims", () -> progress.claimedBy(owner))) {
                if (!working.contains(batch) && db("releasing a claim", () -> progress.release(owner, batch))) {
                    LOG.info("Released batch {} of namespace '{}': it was claimed by this process, but the connection"
                            + " dropped before a worker took it up", batch.number(), batch.namespace());
                }
            }
        } finally {
            claiming.writeLock().unlock();
        }
    }

    private boolean complete() throws SQLException {
        return progress.listingComplete(namespaces) && !progress.anyPending(namespaces);
    }

    private void renewClaims() {
        try {
            progress.renew(owner, settings.lease());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not renew this process's claims ({}); they lapse in {} unless renewed", e.getMessage(), settings.lease());
        }
    }

    private void releaseClaims() {
        try {
            progress.release(owner);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not release this process's claims ({}); other processes take them over when the lease lapses",
                    e.getMessage());
        }
    }

    // A throttled source slows every worker of this process, not only the one that was throttled.
    private RetryPolicy throttleAware(RetryPolicy policy, AdaptivePace pace) {
        return policy.withRetryListener((operation, attempt, failure, delay) -> {
            if (failure.code() == ErrorCode.RATE_LIMITED) {
                // Only a first attempt's 429 says the pace is too fast. A retry goes out after its backoff, outside
                // the pace, and its 429 belongs to an overshoot already counted (ARCHITECTURE.md, "Pacing").
                double rate = attempt == 1 ? pace.throttled() : pace.rate();
                settings.listeners().forEach(listener -> listener.throttled(operation, rate));
            }
            LOG.info("{} failed (attempt {}): {}; retrying in {} ms", operation, attempt, failure.problem(), delay.toMillis());
        });
    }

    private interface Task {
        void run() throws Exception;
    }

    private interface SqlCall<T> {
        T call() throws SQLException, InterruptedException;
    }

    // Every bookkeeping query is retried like the copying itself, so a database restart is ridden out.
    private <T> T db(String what, SqlCall<T> call) {
        return retry.execute(what, () -> {
            try {
                return call.call();
            } catch (SQLException e) {
                throw SqlErrors.translate(e, "While " + what + ", PostgreSQL", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what, e);
            }
        });
    }

    private void guard(String what, Task task) {
        try {
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.set(true);
        } catch (SQLException e) {
            fail(SqlErrors.translate(e, "While " + what + ", PostgreSQL", null));
        } catch (RuntimeException e) {
            fail(e);
        } catch (Exception e) {
            fail(new VectorStoreException(ErrorCode.MIGRATION_FAILED, what + " failed: " + e, e));
        }
    }

    private void fail(RuntimeException e) {
        if (fatal.compareAndSet(null, e)) {
            LOG.error("Stopping the migration: {}", e.getMessage(), e instanceof VectorStoreException ? null : e);
        }
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a migration thread failed unexpectedly", e.getCause());
        }
    }

    // ---- reporting ----

    private void tick() {
        try {
            MigrationProgress snapshot = snapshot();
            settings.listeners().forEach(listener -> listener.progress(snapshot));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Progress snapshot failed: {}", e.getMessage());
        }
    }

    private MigrationProgress snapshot() throws SQLException {
        Map<String, Long> counts = progress.countsByStatus();
        long known = counts.values().stream().mapToLong(Long::longValue).sum();
        double rate = meter.recentRate();
        return new MigrationProgress(known, counts.get(ProgressTable.DONE), counts.get(ProgressTable.FAILED),
                progress.listingComplete(namespaces), meter.copied(), meter.elapsed(), rate);
    }

    private MigrationReport finish(long alreadyDone, IndexDecision index) {
        if (fatal.get() instanceof ConfigurationException misconfigured) {
            // Found mid-run (e.g. the table cannot take new rows): as fixable as a preflight error, and reported the same way.
            throw misconfigured;
        }
        Map<String, Long> counts = db("counting progress", progress::countsByStatus);
        long done = counts.get(ProgressTable.DONE);
        long failedTotal = counts.get(ProgressTable.FAILED);
        boolean complete = db("checking for remaining work", this::complete);
        MigrationReport.Outcome outcome;
        String message;
        RuntimeException error = fatal.get();
        if (error != null) {
            outcome = MigrationReport.Outcome.STOPPED;
            message = "Stopped: " + error.getMessage() + (error instanceof RetryableException ? " (still failing after retries)" : "")
                    + ". Nothing is lost: fix the cause and run again with --resume.";
        } else if (!complete) {
            outcome = MigrationReport.Outcome.INTERRUPTED;
            message = "Interrupted with " + counts.get(ProgressTable.PENDING) + " ids pending. Run again with --resume to continue.";
        } else if (failedTotal > 0) {
            outcome = MigrationReport.Outcome.COMPLETED_WITH_FAILURES;
            message = failedTotal + " records failed (reasons in migration_progress.last_error). Fix them at the source"
                    + " or in the target, then run again with --resume to retry them.";
        } else {
            outcome = MigrationReport.Outcome.COMPLETED;
            message = "Every record is copied.";
        }
        Optional<IndexedTarget> indexed = settings.target().indexed();
        // Whoever completes the copy rebuilds what any run dropped: the recorded definitions, not only this run's.
        if (complete && indexed.isPresent() && (index.defer() || !indexed.get().indexState().deferredIndexes().isEmpty())) {
            indexed.get().buildVectorIndex(); // which analyzes too
        } else if (complete && meter.copied() > 0) {
            indexed.ifPresent(IndexedTarget::analyze);
        }
        List<FailedRecord> failures = db("reading failures", () -> progress.failures(REPORTED_FAILURES));
        MigrationReport report = new MigrationReport(settings.runId(), outcome, message, meter.copied(), alreadyDone, done,
                failedTotal, failures, meter.elapsed(), meter.overallRate());
        settings.listeners().forEach(listener -> listener.finished(report));
        return report;
    }

    // Refuse up front rather than mark every record failed.
    private void checkDimensions(StoreStats stats) {
        if (stats.dimension().isPresent() && settings.target().dimension().isPresent()
                && stats.dimension().getAsInt() != settings.target().dimension().getAsInt()) {
            throw new ConfigurationException(ErrorCode.DIMENSION_MISMATCH, "The source " + source.backend() + " has "
                    + stats.dimension().getAsInt() + " dimensions but " + settings.target().describe() + " has "
                    + settings.target().dimension().getAsInt() + ". Create the target column with the source's dimension"
                    + " (PGVECTOR_DIMENSION=" + stats.dimension().getAsInt() + ", then vectorstore schema upgrade).");
        }
    }

    /**
     * Refuses to start when the target cannot keep sparse values and the first records of a namespace of the source
     * have some: every such record would fail. A sample, not a proof: a batch meeting sparse values later still
     * fails loudly by id (ARCHITECTURE.md, "Sparse values"). Returns how many records were read.
     */
    private int checkSparseValues() {
        if (settings.target().keepsSparseValues() || !source.supportsSparseValues()) {
            return 0;
        }
        int read = 0;
        for (String namespace : namespaces) {
            VectorStore inNamespace = source.inNamespace(namespace);
            List<String> ids = throttleAware(retry, listPace).execute("list the source's first ids of namespace '"
                    + namespace + "'", () -> inNamespace.listIds(IdPageRequest.first(SPARSE_SAMPLE))).ids();
            if (ids.isEmpty()) {
                continue;
            }
            read += ids.size();
            Optional<VectorRecord> hybrid = throttleAware(retry, fetchPace).execute("fetch the source's first records of"
                    + " namespace '" + namespace + "'", () -> inNamespace.fetch(ids)).values().stream()
                    .filter(VectorRecord::hasSparseValues).findFirst();
            if (hybrid.isPresent()) {
                throw new ConfigurationException(ErrorCode.SPARSE_VALUES_UNSUPPORTED, settings.target().describe()
                        + " cannot keep sparse values, and the source holds sparse values: run `vectorstore schema upgrade`"
                        + " (schema version 4 adds their columns to a pgvector table), then migrate. E.g. record "
                        + Limits.quoteId(hybrid.get().id()) + " in namespace '" + namespace + "'. Nothing was written.");
            }
        }
        return read;
    }

    private List<String> resolveNamespaces(StoreStats stats) {
        if (!settings.namespaces().isEmpty()) {
            return settings.namespaces();
        }
        List<String> fromStats = new ArrayList<>(stats.namespaceCounts().keySet());
        return fromStats.isEmpty() ? List.of(source.namespace()) : fromStats;
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    // A run resumed on the machine where the last one was killed need not wait a lease for the batches the dead
    // process held. Should a live process only look dead from here (same host name, another PID namespace), nothing
    // is lost: its commit finds the batch taken over and rolls back (ProgressTable.complete).
    private void releaseClaimsOfDeadLocalProcesses() {
        for (String claimant : db("reading claims", progress::claimants)) {
            if (ClaimOwner.deadOnThisHost(claimant, owner)) {
                int released = db("releasing claims", () -> progress.release(claimant));
                LOG.info("Took over {} batches claimed by {}, a process of this host that is no longer running", released, claimant);
            }
        }
    }
}
