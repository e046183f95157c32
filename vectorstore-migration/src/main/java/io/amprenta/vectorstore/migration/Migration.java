package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A resumable, parallel copy of every vector from a source store (Pinecone) into a PostgreSQL target
 * (pgvector), that loses and duplicates nothing whenever it is interrupted.
 *
 * <pre>{@code
 * MigrationReport report = Migration.builder(VectorStoreConfig.fromEnvironment(), PgVectorTarget.of(pgvectorStore))
 *         .batchSize(1000).workers(5).resume(true)
 *         .listener(new MigrationListener() { ... })
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>How it stays correct: ids are listed into {@code migration_progress}; workers claim batches there
 * ({@code FOR UPDATE SKIP LOCKED}, with a lease their process renews while alive), fetch the records
 * from the source, and write them to the target and mark them {@code done} in one transaction. A
 * crash at any instant leaves each id either done (written) or pending (not written); a killed
 * process's claims lapse and are taken over. Several processes, on several machines, can work on one
 * run: start each with the same run id and {@code resume}. Records the target cannot take are marked
 * {@code failed} with the reason and retried by the next resumed run.
 *
 * <p>Pacing: all workers of a process share one request budget per kind of source request (listing, fetching),
 * starting at Pinecone's documented per-index limit times {@link Builder#rateShare} (capped by
 * {@link Builder#maxRequestsPerSecond}), slowing by a tenth on throttling and recovering gradually, so it settles
 * at the limit the index actually grants; retryable failures are retried with backoff and jitter
 * ({@link Builder#retryPolicy}), by the migrator alone when it opens the source itself
 * ({@link #builder(VectorStoreConfig, MigrationTarget)}). An authentication error or an exhausted quota stops
 * the run at once, resumable.
 */
public final class Migration {

    private final Settings settings;
    private final AtomicReference<MigrationRun> current = new AtomicReference<>();

    private Migration(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts configuring a migration into {@code target} from the store {@code sourceConfig} describes (its
     * {@code VECTOR_BACKEND} and that backend's keys, e.g. {@code PINECONE_API_KEY} and {@code PINECONE_INDEX_NAME}). The
     * recommended entry point: each {@link #run()} opens the source itself with the backend's own retries off
     * ({@code <BACKEND>_MAX_RETRIES=0}, e.g. {@code PINECONE_MAX_RETRIES}) and closes it at the end, so that failures are
     * retried once, by the {@link Builder#retryPolicy migrator's policy}, which also slows every worker when the
     * source throttles. Retries stacked in two layers would multiply the attempts (and the read units) of a failing
     * call and hide throttling from the shared pace.
     */
    public static Builder builder(VectorStoreConfig sourceConfig, MigrationTarget target) {
        return new Builder(SourceStore.configured(sourceConfig), target);
    }

    /**
     * Starts configuring a migration from a {@code source} store the caller opened (and closes). The migrator retries
     * the source's failures with its own {@link Builder#retryPolicy}; a store that also retries by itself (Pinecone's
     * and pgvector's do, by default) retries underneath it, so open {@code source} with its retries off
     * ({@code PINECONE_MAX_RETRIES=0}), or let the migration open it: {@link #builder(VectorStoreConfig, MigrationTarget)}.
     */
    public static Builder builder(VectorStore source, MigrationTarget target) {
        return new Builder(SourceStore.given(source), target);
    }

    /** The immutable settings of a migration. */
    record Settings(SourceStore source, TargetAbilities target, DataSource progressDatabase, String runId,
                    List<String> namespaces, IdSource idSource, int batchSize, int workers, boolean resume, boolean dryRun,
                    IndexStrategy indexStrategy, double maxRequestsPerSecond, double listRequestsPerSecond, Duration lease,
                    RetryPolicy retryPolicy, List<MigrationListener> listeners) {
    }

    /** Pinecone's documented fetch requests per second per serverless index (every plan). */
    public static final double PINECONE_FETCH_REQUESTS_PER_SECOND = 100;

    /** Pinecone's documented list requests per second per serverless index (every plan). */
    public static final double PINECONE_LIST_REQUESTS_PER_SECOND = 200;

    /**
     * Runs the migration (or, for a dry run, only makes and returns the plan) and reports the outcome.
     * Returns when every id is done or failed, when {@link #stop()} was called, or when an error needs a
     * person; in every case the state in {@code migration_progress} is consistent and resumable.
     *
     * @throws io.amprenta.vectorstore.ConfigurationException when the target is not prepared, the run
     *     already has progress and {@code resume} is off, or the target turns out not to accept the records
     *     (e.g. new rows in a table with NOT NULL columns); claims are released and the run stays resumable
     */
    public MigrationReport run() {
        try (SourceStore.Opened source = settings.source().open(settings.retryPolicy())) {
            MigrationRun run = new MigrationRun(settings, source.store());
            if (!current.compareAndSet(null, run)) {
                throw new IllegalStateException("this migration is already running");
            }
            try {
                return run.execute();
            } finally {
                current.set(null);
            }
        }
    }

    /**
     * Writes the id of every failed record of the run, in every namespace, to {@code file} ({@link IdLines}: one JSON
     * string per line, which {@link IdSource#file} reads back unchanged), and returns how many. Run it after
     * {@link #run()}; with several namespaces, give each its own {@code namespace} filter.
     *
     * @param namespace only this namespace's failed ids, or null for every namespace
     */
    public long writeFailedIds(Path file, String namespace) {
        ProgressTable progress = new ProgressTable(settings.progressDatabase(), settings.runId());
        try {
            List<FailedRecord> failed = progress.failures(Integer.MAX_VALUE).stream()
                    .filter(record -> namespace == null || record.namespace().equals(namespace)).toList();
            IdLines.write(file, failed.stream().map(FailedRecord::id).toList());
            return failed.size();
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "While reading the failed ids, PostgreSQL", null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the failed ids to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks a running migration to stop cleanly: in-flight batches finish and commit, claims are
     * released, and {@link #run()} returns an {@code INTERRUPTED} report. Safe from any thread (e.g. a
     * shutdown hook on Ctrl-C).
     */
    public void stop() {
        MigrationRun run = current.get();
        if (run != null) {
            run.requestStop();
        }
    }

    /** Configures a {@link Migration}; setters validate and name the setting in their errors. */
    public static final class Builder {
        private final SourceStore source;
        private final MigrationTarget target;
        private DataSource progressDatabase;
        private String runId = "default";
        private List<String> namespaces = List.of();
        private IdSource idSource = IdSource.sourceListing("");
        private int batchSize = 1000;
        private int workers = 4;
        private boolean resume;
        private boolean dryRun;
        private IndexStrategy indexStrategy = IndexStrategy.AUTO;
        private double maxRequestsPerSecond = Double.POSITIVE_INFINITY;
        private double rateShare = 1;
        private Duration lease = Duration.ofSeconds(60);
        private RetryPolicy retryPolicy = RetryPolicy.builder().maxRetries(9)
                .backoff(Duration.ofMillis(250), Duration.ofSeconds(30)).maxDuration(Duration.ofMinutes(5)).build();
        private final List<MigrationListener> listeners = new ArrayList<>();

        private Builder(SourceStore source, MigrationTarget target) {
            this.source = source;
            this.target = Objects.requireNonNull(target, "target");
        }

        /**
         * The PostgreSQL database that keeps the run's progress ({@code migration_progress} and its companions), for a
         * target that is not itself in one (a {@link StoreTarget}). A {@link TransactionalTarget} such as
         * {@link PgVectorTarget} keeps the progress in its own database, so that batches and their marks commit
         * together; it takes no other.
         */
        public Builder progressDatabase(DataSource progressDatabase) {
            this.progressDatabase = Objects.requireNonNull(progressDatabase, "progressDatabase");
            return this;
        }

        /** Names the run, so that a later run can resume it (default {@code default}). */
        public Builder runId(String runId) {
            if (runId == null || runId.isBlank() || runId.length() > 200) {
                throw new IllegalArgumentException("runId must be 1 to 200 characters, but is " + runId);
            }
            this.runId = runId;
            return this;
        }

        /** The namespaces to copy; empty (the default) means every namespace the source's stats list. */
        public Builder namespaces(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
            return this;
        }

        /** Where the ids come from (default: the source's listing). */
        public Builder idSource(IdSource idSource) {
            this.idSource = Objects.requireNonNull(idSource, "idSource");
            return this;
        }

        /** Ids per batch, 1 to 1000 (Pinecone's fetch limit); default 1000. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 1000 (Pinecone fetches at most 1000 ids), but is "
                        + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Parallel workers in this process, 1 to 64; default 4. */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be between 1 and 64, but is " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Continue an existing run: skip done ids, retry failed ones. Required when the run already has progress. */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Only check the target read-only and make the plan; write nothing, read no records from the source. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * What to do with the target's vector index while copying (default {@link IndexStrategy#AUTO}: drop it and
         * build it once at the end when the table is being filled rather than served, else keep it; the plan says
         * which and why). {@link IndexStrategy#DEFER} is for an {@link IndexedTarget} only. An index an earlier run
         * dropped is rebuilt at the end of the run that completes the copy, whatever the strategy.
         */
        public Builder indexStrategy(IndexStrategy indexStrategy) {
            this.indexStrategy = Objects.requireNonNull(indexStrategy, "indexStrategy");
            return this;
        }

        /**
         * A ceiling on this process's source requests per second, for listing and for fetching each (default: none
         * beyond {@link #rateShare}'s share of Pinecone's documented limits).
         */
        public Builder maxRequestsPerSecond(double maxRequestsPerSecond) {
            if (!(maxRequestsPerSecond > 0)) {
                throw new IllegalArgumentException("maxRequestsPerSecond must be positive, but is " + maxRequestsPerSecond);
            }
            this.maxRequestsPerSecond = maxRequestsPerSecond;
            return this;
        }

        /**
         * The share of the index's request budget the migration may use, above 0 and at most 1 (default 1): its
         * fetches are paced to at most {@code share} x 100 per second and its listing to {@code share} x 200
         * ({@link Migration#PINECONE_FETCH_REQUESTS_PER_SECOND}, {@link Migration#PINECONE_LIST_REQUESTS_PER_SECOND}),
         * Pinecone's documented per-index limits, leaving the rest to the application's traffic on the same index.
         */
        public Builder rateShare(double rateShare) {
            if (!(rateShare > 0 && rateShare <= 1)) {
                throw new IllegalArgumentException("rateShare must be above 0 and at most 1, but is " + rateShare);
            }
            this.rateShare = rateShare;
            return this;
        }

        /** How long a claim lasts unless renewed; a killed process's batches are taken over after this (default 60 s). */
        public Builder lease(Duration lease) {
            if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("lease must be at least 1 second, but is " + lease);
            }
            this.lease = lease;
            return this;
        }

        /**
         * How retryable failures of the source and the target are retried (default: 9 retries, backoff from 250 ms to
         * 30 s, at most 5 minutes per call). The only retries of a source the migration opens itself.
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Adds a listener for progress events. */
        public Builder listener(MigrationListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The migration.
         *
         * @throws IllegalArgumentException when settings contradict each other or the target cannot do what they ask
         * @throws ConfigurationException when the ids are to come from the target's rows and it has none to list
         */
        public Migration build() {
            if (idSource instanceof IdSource.IdFile && namespaces.size() != 1) {
                throw new IllegalArgumentException("an id file lists the ids of one namespace: pass exactly one namespace"
                        + " with it (got " + namespaces + ")");
            }
            TargetAbilities abilities = TargetAbilities.of(target);
            if (idSource instanceof IdSource.TargetRows && abilities.rowsWithoutEmbedding().isEmpty()) {
                throw new ConfigurationException(ErrorCode.INVALID_SETTING, "--id-source target-rows takes ids from a"
                        + " pgvector table's rows without an embedding; " + target.describe() + " has no such rows. Use the"
                        + " source's listing or an id file.");
            }
            if (indexStrategy == IndexStrategy.DEFER && abilities.indexed().isEmpty()) {
                throw new IllegalArgumentException("indexStrategy DEFER drops and rebuilds a pgvector table's vector index; "
                        + target.describe() + " maintains its own index");
            }
            return new Migration(new Settings(source, abilities, progressDatabase(abilities), runId, namespaces, idSource,
                    batchSize, workers, resume, dryRun, indexStrategy,
                    Math.min(maxRequestsPerSecond, rateShare * PINECONE_FETCH_REQUESTS_PER_SECOND),
                    Math.min(maxRequestsPerSecond, rateShare * PINECONE_LIST_REQUESTS_PER_SECOND), lease, retryPolicy,
                    List.copyOf(listeners)));
        }

        private DataSource progressDatabase(TargetAbilities abilities) {
            if (abilities.transactional().isPresent()) {
                if (progressDatabase != null) {
                    throw new IllegalArgumentException(target.describe() + " keeps the migration's progress in its own"
                            + " database, in the same transactions as the records; leave progressDatabase out");
                }
                return abilities.transactional().get().database();
            }
            if (progressDatabase == null) {
                throw new IllegalArgumentException("progressDatabase is required: " + target.describe() + " cannot keep"
                        + " the migration's progress, so name a PostgreSQL database for it");
            }
            return progressDatabase;
        }
    }
}
