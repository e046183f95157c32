package io.amprenta.vectorstore.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.migration.FailedRecord;
import io.amprenta.vectorstore.migration.IdLines;
import io.amprenta.vectorstore.migration.IdSource;
import io.amprenta.vectorstore.migration.IndexStrategy;
import io.amprenta.vectorstore.migration.Migration;
import io.amprenta.vectorstore.migration.MigrationListener;
import io.amprenta.vectorstore.migration.MigrationPlan;
import io.amprenta.vectorstore.migration.MigrationReport;
import io.amprenta.vectorstore.migration.PgVectorTarget;
import io.amprenta.vectorstore.migration.StoreTarget;
import io.amprenta.vectorstore.pgvector.IndexBuildOptions;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vectorstore migrate}: the resumable, parallel backfill from Pinecone into the pgvector table. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = {
    "Copy every vector from Pinecone into the pgvector table (run `vectorstore schema upgrade` first).",
    "Progress is kept in the table migration_progress: a failed or interrupted run continues with --resume,",
    "losing and duplicating nothing, and several processes can work on one run (each with --resume).",
    "Exit codes: 0 completed, 3 configuration, 4 some records failed, 5 stopped (fix and --resume), 130 Ctrl-C."})
final class MigrateCommand implements Callable<Integer> {

    private static final int SHOWN_FAILURES = 20;

    /** Where the ids come from, as written on the command line: {@code listing}, {@code target-rows}, {@code file}. */
    enum IdSourceKind {
        LISTING, TARGET_ROWS, FILE;

        String optionValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Reads {@code target-rows} (as documented) as well as {@code TARGET_ROWS}. */
    static final class IdSourceConverter implements CommandLine.ITypeConverter<IdSourceKind> {
        @Override
        public IdSourceKind convert(String value) {
            for (IdSourceKind kind : IdSourceKind.values()) {
                if (kind.optionValue().equalsIgnoreCase(value.replace('_', '-'))) {
                    return kind;
                }
            }
            throw new CommandLine.TypeConversionException("expected listing, target-rows or file, but was '" + value + "'");
        }
    }

    enum MissingRows { INSERT, REPORT }

    private static final String PGVECTOR = "pgvector";

    @ParentCommand
    private VectorstoreCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = "--batch-size", defaultValue = "1000", description = "Ids per batch, at most 1000 (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--workers", defaultValue = "4", description = "Parallel workers in this process (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(names = "--resume", description = "Continue the run: skip done ids, retry failed ones. Needed when the run has progress.")
    private boolean resume;

    @Option(names = "--dry-run", description = {"Check the configuration and the database (read-only), count what is pending",
        "and print the plan; write nothing and read no records from Pinecone."})
    private boolean dryRun;

    @Option(names = "--run-id", defaultValue = "default", description = "Name of the run in migration_progress (default: ${DEFAULT-VALUE}).")
    private String runId;

    @Option(names = "--namespace", description = "Namespace to copy; repeat for several (default: every namespace of the index).")
    private List<String> namespaces = List.of();

    @Option(names = "--id-source", defaultValue = "listing", description = {"Where the ids come from: listing (Pinecone's id",
        "listing, serverless indexes), target-rows (rows of the table without an embedding; the only way for pod",
        "indexes), file (--id-file). Default: ${DEFAULT-VALUE}."}, converter = IdSourceConverter.class)
    private IdSourceKind idSource;

    @Option(names = "--prefix", defaultValue = "", description = "With --id-source listing: only ids with this prefix.")
    private String prefix;

    @Option(names = "--id-file", description = {"With --id-source file: a file with one id per line, as a JSON string or",
        "bare (one --namespace)."})
    private Path idFile;

    @Option(names = "--failed-ids-out", description = {"After the run, write the id of every failed record of the run to",
        "this file (JSON lines, for --id-file; with one --namespace, only that namespace's)."})
    private Path failedIdsOut;

    @Option(names = "--missing-rows", defaultValue = "insert", description = {"Ids without a row in the table: insert a row",
        "(insert) or report them as failed (report). Default: ${DEFAULT-VALUE}."})
    private MissingRows missingRows;

    @Option(names = "--no-metadata", description = "Leave the table's metadata column as it is (default: copy Pinecone's metadata).")
    private boolean noMetadata;

    @Option(names = "--embedding-model", description = "Written to embedding_model (default: EMBEDDING_MODEL, else left as is).")
    private String embeddingModel;

    @Option(names = "--index-build-memory", description = {"When the index is built at the end: maintenance_work_mem",
        "for the index build (default: PGVECTOR_INDEX_BUILD_MEMORY, 1GB; about 2 KB per 384-dimensional row keeps the",
        "graph in memory)."})
    private String indexBuildMemory;

    @Option(names = "--index-build-workers", description = {"When the index is built at the end: parallel maintenance workers for the",
        "index build (default: PGVECTOR_INDEX_BUILD_WORKERS, else the server's max_parallel_workers, at most 4)."})
    private Integer indexBuildWorkers;

    @ArgGroup(exclusive = true)
    private IndexChoice indexChoice = new IndexChoice();

    /** What to do with the vector index; by default the migrator chooses, and the plan says which and why. */
    static final class IndexChoice {
        @Option(names = "--defer-index", description = {"Drop the HNSW index first and build it once at the end (much faster",
            "backfill; queries scan the table meanwhile). Default: chosen by the migrator, see the plan."})
        boolean defer;

        @Option(names = "--keep-index", description = {"Keep the HNSW index and maintain it row by row, for a table",
            "applications already read. Default: chosen by the migrator, see the plan."})
        boolean keep;

        IndexStrategy strategy() {
            return defer ? IndexStrategy.DEFER : keep ? IndexStrategy.KEEP : IndexStrategy.AUTO;
        }
    }

    @Option(names = "--no-calibrate", description = {"Skip the recall calibration a completed migration into pgvector runs",
        "(as `calibrate --save` would) once the index is built."})
    private boolean noCalibrate;

    @Option(names = "--max-requests-per-second",
            description = "Ceiling of source requests per second for this process, for listing and for fetching each"
                    + " (default: none beyond --rate-share).")
    private Double maxRequestsPerSecond;

    @Option(names = "--rate-share", defaultValue = "1",
            description = "Share of Pinecone's per-index limits (fetch 100/s, list 200/s) the migration may use; the rest"
                    + " is left to the application's traffic (default: ${DEFAULT-VALUE}).")
    private double rateShare;

    @Option(names = "--lease", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long a crashed process's batches stay claimed before others take them over (default: ${DEFAULT-VALUE}).")
    private Duration lease;

    @Option(names = "--source", defaultValue = "pinecone", description = "Source backend (default: ${DEFAULT-VALUE}).")
    private String source;

    @Option(names = "--target", defaultValue = PGVECTOR, description = {"Target backend (default: ${DEFAULT-VALUE}). Another",
        "backend (e.g. pinecone, with --source pgvector: the way back) is written with upserts; progress stays in",
        "the DATABASE_URL database."})
    private String targetBackend;

    @Option(names = "--log-every", defaultValue = "30s", converter = DurationConverter.class,
            description = "Without a terminal, log progress this often (default: ${DEFAULT-VALUE}).")
    private Duration logEvery;

    @Option(names = "--json", description = "Print the report (or, with --dry-run, the plan) as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        Output output = cli.output(json);
        VectorStoreConfig config = cli.config();
        PgVectorSettings settings = PgVectorSettings.fromConfig(config);
        // The migration opens the source itself, with the backend's own retries off: the migrator retries it, once.
        VectorStoreConfig sourceConfig = config.with(VectorStoreConfig.VECTOR_BACKEND.key(), source);
        try (HikariDataSource dataSource = PgDataSources.create(config, workers + 4);
             VectorStore to = targetBackend.equalsIgnoreCase(PGVECTOR) ? null : cli.store(targetBackend)) {
            PlanPrinter plan = new PlanPrinter(output);
            Migration migration;
            try {
                Migration.Builder builder;
                if (to == null) {
                    PgVectorTarget table = PgVectorTarget.of(PgVectorTable.open(dataSource, settings))
                            .withIndexBuild(indexBuild(settings.indexBuild()))
                            .withWriteOptions(new PgWriteOptions(embeddingModel != null ? embeddingModel : settings.embeddingModel(),
                                    !noMetadata, missingRows == MissingRows.INSERT));
                    builder = Migration.builder(sourceConfig, table);
                } else {
                    StoreTarget store = StoreTarget.of(to);
                    refusePgvectorOnlyOptions(store);
                    builder = Migration.builder(sourceConfig, store).progressDatabase(dataSource);
                }
                builder
                        .runId(runId).namespaces(namespaces).idSource(idSource()).batchSize(batchSize).workers(workers)
                        .resume(resume).dryRun(dryRun).indexStrategy(indexChoice.strategy()).rateShare(rateShare).lease(lease)
                        .listener(plan)
                        .listener(new ProgressDisplay(output, logEvery));
                if (maxRequestsPerSecond != null) {
                    builder.maxRequestsPerSecond(maxRequestsPerSecond);
                }
                migration = builder.build();
            } catch (IllegalArgumentException e) {
                // The builder names the setting (batchSize, workers, ...): a wrong command line, exit 2.
                throw new ParameterException(spec.commandLine(), "Invalid option value: " + e.getMessage());
            }
            MigrationReport report;
            try (Interrupts.Handle interrupt = Interrupts.onInterrupt(migration::stop, Duration.ofMinutes(2))) {
                report = migration.run();
                print(output, report, plan.plan);
                calibrateIfLoaded(config, output, report, to == null);
                if (failedIdsOut != null && report.outcome() != MigrationReport.Outcome.DRY_RUN) {
                    long written = migration.writeFailedIds(failedIdsOut, namespaces.size() == 1 ? namespaces.get(0) : null);
                    output.line(String.format("%,d failed ids written to %s.", written, failedIdsOut));
                }
                interrupt.done();
            }
            return exitCode(report.outcome());
        }
    }

    // A completed load into pgvector changes what ef_search meets the recall target (ARCHITECTURE.md, "Calibration").
    private void calibrateIfLoaded(VectorStoreConfig config, Output output, MigrationReport report, boolean pgvector) {
        boolean completed = report.outcome() == MigrationReport.Outcome.COMPLETED
                || report.outcome() == MigrationReport.Outcome.COMPLETED_WITH_FAILURES;
        if (!pgvector || !completed || noCalibrate) {
            return;
        }
        if (report.copied() == 0) {
            output.line("Calibration skipped: this run copied nothing, so the stored calibration still stands.");
            return;
        }
        AfterLoadCalibration.run(config, output);
    }

    // A store keeps records as they are: these options shape the rows of a pgvector table only.
    private void refusePgvectorOnlyOptions(StoreTarget target) {
        if (embeddingModel != null || noMetadata || missingRows != MissingRows.INSERT) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, "An embedding model, leaving metadata alone and"
                    + " reporting missing rows (--embedding-model, EMBEDDING_MODEL, --no-metadata, --missing-rows report) apply to"
                    + " a pgvector target only; " + target.describe() + " stores records as they are. Leave them out.");
        }
    }

    private IdSource idSource() {
        return switch (idSource) {
            case LISTING -> IdSource.sourceListing(prefix);
            case TARGET_ROWS -> IdSource.targetRowsWithoutEmbedding();
            case FILE -> {
                if (idFile == null) {
                    throw new ParameterException(spec.commandLine(), "--id-source file needs --id-file PATH");
                }
                yield IdSource.file(idFile);
            }
        };
    }

    static int exitCode(MigrationReport.Outcome outcome) {
        return switch (outcome) {
            case COMPLETED, DRY_RUN -> ExitCode.OK;
            case COMPLETED_WITH_FAILURES -> ExitCode.FINDINGS;
            case INTERRUPTED -> ExitCode.INTERRUPTED;
            case STOPPED -> ExitCode.STOPPED;
        };
    }

    private static void print(Output output, MigrationReport report, MigrationPlan plan) {
        output.result(report.outcome() == MigrationReport.Outcome.DRY_RUN ? plan : report);
        if (report.outcome() == MigrationReport.Outcome.DRY_RUN) {
            printPlan(output, plan);
            output.line(report.message());
            return;
        }
        output.line(String.format("%s: %,d copied by this process, %,d done in all (%,d were done before), %,d failed,"
                        + " %s, %,.0f records/s.", report.outcome(), report.copied(), report.totalDone(), report.alreadyDone(),
                report.failedCount(), ProgressDisplay.format(report.elapsed()), report.recordsPerSecond()));
        for (FailedRecord failure : report.failures().subList(0, Math.min(SHOWN_FAILURES, report.failures().size()))) {
            output.line("  failed: namespace '" + failure.namespace() + "' id " + IdLines.format(failure.id()) + ": "
                    + failure.reason());
        }
        if (report.failedCount() > SHOWN_FAILURES) {
            output.line("  ... and " + (report.failedCount() - SHOWN_FAILURES) + " more: --failed-ids-out FILE writes them all,"
                    + " and SELECT namespace, chunk_id, last_error FROM migration_progress WHERE run_id = '" + report.runId()
                    + "' AND status = 'failed' shows their reasons");
        }
        output.line(report.message());
    }

    private static void printPlan(Output output, MigrationPlan plan) {
        output.line("Plan for run '" + plan.runId() + "': " + plan.source() + " -> " + plan.target());
        plan.checks().forEach(check -> output.line("  check: " + check));
        plan.sourceCounts().forEach((namespace, count) -> output.line(String.format("  namespace '%s': %,d records", namespace, count)));
        output.line(String.format("  already done: %,d; to copy: %,d in %,d batches of %d with %d workers", plan.alreadyDone(),
                plan.pending(), plan.batches(), plan.batchSize(), plan.workers()));
        output.line(String.format("  estimated Pinecone read units: %,d; estimated time: %s", plan.estimatedReadUnits(),
                ProgressDisplay.format(plan.estimatedTime())));
        plan.assumptions().forEach(assumption -> output.line("  assuming " + assumption));
        output.line("  index: " + plan.index().describe());
        plan.index().estimates().forEach(estimate -> output.line("    " + estimate));
    }

    /** Keeps the plan for the final printout. */
    private static final class PlanPrinter implements MigrationListener {
        private final Output output;
        private volatile MigrationPlan plan;

        PlanPrinter(Output output) {
            this.output = output;
        }

        @Override
        public void started(MigrationPlan started) {
            this.plan = started;
            if (!started.checks().isEmpty() && !output.json()) {
                started.checks().forEach(check -> output.info("check: " + check));
                output.info("index: " + started.index().describe());
            }
        }
    }

    // The settings' build options, with what the command line gives instead.
    private IndexBuildOptions indexBuild(IndexBuildOptions fromSettings) {
        IndexBuildOptions options = indexBuildMemory == null ? fromSettings : fromSettings.withMaintenanceWorkMem(indexBuildMemory);
        return indexBuildWorkers == null ? options : options.withParallelWorkers(indexBuildWorkers);
    }
}
