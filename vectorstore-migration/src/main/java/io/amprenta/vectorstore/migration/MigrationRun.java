package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One execution of a {@link Migration}: the lister, the workers, the lease heartbeat and the progress ticks. */
final class MigrationRun {

    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);
    // Tells this JVM's runs apart from those of an earlier JVM that had the same PID.
    private static final String JVM_TOKEN = UUID.randomUUID().toString().substring(0, 8);
    // Idle workers wait on this for the lister of this process; other processes' listings they notice by polling.
    private final Object newBatch = new Object();
    private static final int REPORTED_FAILURES = 100;
    // What the plan assumes one worker copies per second; stated in the plan, replaced by measurement when running.
    private static final double ASSUMED_RECORDS_PER_WORKER_SECOND = 1_500;

    private final Migration.Settings settings;
    private final String owner = processName();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    private final LongAdder copied = new LongAdder();
    private final LongAdder failedHere = new LongAdder();
    private final ProgressTable progress;
    private final AdaptivePace pace;
    private final RetryPolicy retry;
    private final long startedNanos = System.nanoTime();
    private final Deque<long[]> rateSamples = new ArrayDeque<>(); // {nanos, copied}; touched by the ticker only
    private List<String> namespaces = List.of();

    MigrationRun(Migration.Settings settings) {
        this.settings = settings;
        this.progress = new ProgressTable(settings.target().dataSource(), settings.runId());
        this.pace = new AdaptivePace(settings.maxRequestsPerSecond(), AdaptivePace.SYSTEM);
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
        namespaces = resolveNamespaces();
        checkDimensions();
        if (settings.dryRun()) {
            long done = db("reading progress", () -> progress.exists() ? progress.countsByStatus().get(ProgressTable.DONE) : 0L);
            MigrationPlan plan = plan(checks, done);
            MigrationReport report = new MigrationReport(settings.runId(), MigrationReport.Outcome.DRY_RUN,
                    "Dry run: nothing was written and no records were read from the source.", 0, done, done, 0, List.of(),
                    elapsed(), 0);
            settings.listeners().forEach(listener -> listener.started(plan));
            settings.listeners().forEach(listener -> listener.finished(report));
            return report;
        }
        return copy(checks);
    }

    private MigrationReport copy(List<String> checks) {
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
        MigrationPlan plan = plan(checks, alreadyDone);
        settings.listeners().forEach(listener -> listener.started(plan));
        if (settings.deferIndex()) {
            settings.target().dropVectorIndex();
        }

        BatchCopier copier = new BatchCopier(settings.source(), settings.target(), progress, settings.writeOptions(),
                throttleAware(retry), pace, owner);
        // One listing page becomes one batch, so pages are as large as batches.
        IdLister lister = new IdLister(settings.idSource(), settings.source(), settings.target(), progress, throttleAware(retry),
                pace, settings.batchSize(), this::batchListed);
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
        return finish(alreadyDone);
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
                BatchCopier.Result result = copier.copy(batch.get());
                copied.add(result.copied());
                failedHere.add(result.failed());
                settings.listeners().forEach(listener -> listener.batchCommitted(namespace, result.copied(), result.failed(), result.took()));
                copiedSomething = true;
            }
            if (!copiedSomething) {
                if (db("checking for remaining work", this::complete)) {
                    return;
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
        return db("claiming a batch", () -> progress.claim(namespace, owner, settings.lease()));
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
    private RetryPolicy throttleAware(RetryPolicy policy) {
        return policy.withRetryListener((operation, attempt, failure, delay) -> {
            if (failure.code() == ErrorCode.RATE_LIMITED) {
                double rate = pace.throttled();
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
        long now = System.nanoTime();
        long copiedNow = copied.sum();
        rateSamples.addLast(new long[] {now, copiedNow});
        while (rateSamples.size() > 10) {
            rateSamples.removeFirst();
        }
        long[] oldest = rateSamples.peekFirst();
        double seconds = (now - oldest[0]) / 1e9;
        double rate = seconds > 0 ? (copiedNow - oldest[1]) / seconds : 0;
        return new MigrationProgress(known, counts.get(ProgressTable.DONE), counts.get(ProgressTable.FAILED),
                progress.listingComplete(namespaces), copiedNow, elapsed(), rate);
    }

    private MigrationReport finish(long alreadyDone) {
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
        if (complete && settings.deferIndex()) {
            settings.target().buildVectorIndex(); // which analyzes too
        } else if (complete && copied.sum() > 0) {
            settings.target().analyze();
        }
        double seconds = Math.max(1e-9, elapsed().toNanos() / 1e9);
        MigrationReport report = new MigrationReport(settings.runId(), outcome, message, copied.sum(), alreadyDone, done,
                failedTotal, db("reading failures", () -> progress.failures(REPORTED_FAILURES)), elapsed(), copied.sum() / seconds);
        settings.listeners().forEach(listener -> listener.finished(report));
        return report;
    }

    private MigrationPlan plan(List<String> checks, long alreadyDone) {
        Map<String, Long> counts = new LinkedHashMap<>();
        String counted;
        if (settings.idSource() instanceof IdSource.TargetRows) {
            namespaces.forEach(namespace -> counts.put(namespace, settings.target().countWithoutEmbedding(namespace)));
            counted = "record counts are the target's rows without an embedding";
        } else if (settings.idSource() instanceof IdSource.IdFile file) {
            counts.put(namespaces.get(0), IdLister.countIds(file.file()));
            counted = "record counts are the id file's ids";
        } else {
            StoreStats stats = settings.source().stats();
            namespaces.forEach(namespace -> counts.put(namespace, stats.count(namespace)));
            counted = "record counts come from the source's index statistics, which read no records"
                    + (((IdSource.SourceListing) settings.idSource()).prefix().isEmpty() ? "" : " (all ids, not only the prefix's)");
        }
        long listed = counts.values().stream().mapToLong(Long::longValue).sum();
        // Done rows have their embedding, so rows without one are exactly what is left; other counts include done ids.
        long pending = settings.idSource() instanceof IdSource.TargetRows ? listed : Math.max(0, listed - alreadyDone);
        long batches = (pending + settings.batchSize() - 1) / settings.batchSize();
        boolean listing = settings.idSource() instanceof IdSource.SourceListing;
        long readUnits = (pending + 9) / 10 + (listing ? (pending + 99) / 100 : 0);
        double rate = Math.min(settings.workers() * ASSUMED_RECORDS_PER_WORKER_SECOND,
                settings.maxRequestsPerSecond() * settings.batchSize());
        List<String> assumptions = List.of(
                counted,
                "Pinecone serverless read units: fetch costs 1 per 10 records" + (listing ? ", list 1 per call of 100 ids" : ""),
                String.format("time assumes %,.0f records/s (%d workers x %,.0f, capped by %s requests/s x %d ids)", rate,
                        settings.workers(), ASSUMED_RECORDS_PER_WORKER_SECOND, settings.maxRequestsPerSecond(), settings.batchSize()));
        return new MigrationPlan(settings.runId(), settings.source().backend() + " (namespace views of " + settings.source() + ")",
                settings.target().describe(), namespaces, counts, alreadyDone, pending, settings.batchSize(), settings.workers(),
                batches, readUnits, Duration.ofSeconds((long) Math.ceil(pending / rate)), checks, assumptions);
    }

    // Refuse up front rather than mark every record failed.
    private void checkDimensions() {
        StoreStats stats = settings.source().stats();
        if (stats.dimension().isPresent() && settings.target().dimension().isPresent()
                && stats.dimension().getAsInt() != settings.target().dimension().getAsInt()) {
            throw new ConfigurationException(ErrorCode.DIMENSION_MISMATCH, "The source " + settings.source().backend() + " has "
                    + stats.dimension().getAsInt() + " dimensions but " + settings.target().describe() + " has "
                    + settings.target().dimension().getAsInt() + ". Create the target column with the source's dimension"
                    + " (PGVECTOR_DIMENSION=" + stats.dimension().getAsInt() + ", then vectorstore schema upgrade).");
        }
    }

    private List<String> resolveNamespaces() {
        if (!settings.namespaces().isEmpty()) {
            return settings.namespaces();
        }
        List<String> fromStats = new ArrayList<>(settings.source().stats().namespaceCounts().keySet());
        return fromStats.isEmpty() ? List.of(settings.source().namespace()) : fromStats;
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
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
            if (deadOnThisHost(claimant, owner)) {
                int released = db("releasing claims", () -> progress.release(claimant));
                LOG.info("Took over {} batches claimed by {}, a process of this host that is no longer running", released, claimant);
            }
        }
    }

    /**
     * Whether {@code claimant} (a {@link #processName()}) names a process of the host {@code self} runs on that has
     * ended. Runs of one JVM share its PID and JVM token, and are alive while this one is. A claimant with this PID
     * but another JVM token is an ended JVM (a container's JVM is PID 1 at every start). A PID that another live
     * process holds now counts as alive, which at worst means waiting for the lease.
     */
    static boolean deadOnThisHost(String claimant, String self) {
        String[] claim = claimant.split("/");
        String[] mine = self.split("/");
        if (claim.length != 3 || mine.length != 3 || !claim[0].equals(mine[0])) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(claim[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (claim[1].equals(mine[1])) {
            return !jvmToken(claim[2]).equals(jvmToken(mine[2]));
        }
        return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    }

    private static String jvmToken(String lastPart) {
        int dot = lastPart.indexOf('.');
        return dot < 0 ? lastPart : lastPart.substring(0, dot);
    }

    /**
     * This run's name in claims: host, PID, and this JVM's token with the run's own, e.g.
     * {@code worker-3/4711/9f2c1a0b.77d0e3aa}.
     */
    static String processName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        String pid = String.valueOf(ManagementFactory.getRuntimeMXBean().getPid());
        return host.replace('/', '_') + "/" + pid + "/" + JVM_TOKEN + "." + UUID.randomUUID().toString().substring(0, 8);
    }
}
