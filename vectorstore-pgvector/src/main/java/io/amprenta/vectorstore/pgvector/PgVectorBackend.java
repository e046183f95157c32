package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.internal.Canary;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.spi.VectorStoreBackend;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pgvector {@link VectorStoreBackend}: each operation takes a connection, runs in one transaction, translates
 * failures ({@link SqlErrors}) and is retried when the failure is transient (every operation is idempotent: a
 * failed transaction wrote nothing, and repeating an upsert or delete has the same result). Writes run on the
 * primary; queries, fetch, listing and stats run where {@link ReadReplicas} sends them (ARCHITECTURE.md, "Read
 * replicas").
 */
final class PgVectorBackend implements VectorStoreBackend {

    /** The backend's name. */
    public static final String NAME = "pgvector";

    private static final Logger LOG = LoggerFactory.getLogger(PgVectorBackend.class);

    private final Database database;
    private final ReadReplicas reads;
    private final AutoCloseable ownedPool;
    private final PgVectorSettings settings;
    private final TableLayout layout;
    private final RecordWriter writer;
    private final PgWriteOptions upsertOptions;
    private final Searcher searcher;
    private final Calibrations calibrations;
    private final RecallMonitor monitor;
    private final Optional<ShardStatistics> shardStatistics;
    private final Rows rows;
    private final List<Class<?>> unwrappable;
    private final Object facade;

    /**
     * A backend over a validated table.
     *
     * @param ownedPool closed with the backend when the store built the pool itself; null otherwise
     * @param sessionDefaults the settings every connection starts with (see {@link Searcher#sessionDefaults})
     * @param facade the public object {@code unwrap} hands out for bulk work (a {@code PgVectorTable})
     * @param replicas where reads may go besides the primary
     */
    public PgVectorBackend(DataSource dataSource, AutoCloseable ownedPool, PgVectorSettings settings, TableLayout layout,
                           Map<String, String> sessionDefaults, Object facade, ReadReplicas.Setup replicas) {
        this.database = new Database(dataSource, retryPolicy(settings.retry()), settings.statementTimeout(),
                sessionDefaults, layout.names().display());
        this.reads = new ReadReplicas(database, replicas, settings.statementTimeout(), sessionDefaults,
                layout.names().display());
        // Reads see what was committed before the store existed, such as the table a schema upgrade just created.
        reads.wrote();
        this.ownedPool = ownedPool;
        this.settings = settings;
        this.layout = layout;
        this.writer = new RecordWriter(layout, settings.copyThreshold());
        this.upsertOptions = PgWriteOptions.upsert(settings.embeddingModel());
        this.calibrations = new Calibrations(layout.names(), settings, Calibrations.TTL);
        this.searcher = new Searcher(settings, layout, database, calibrations);
        this.monitor = new RecallMonitor(dataSource, searcher, settings, NAME);
        // Only a sharded table needs it: PostgreSQL's autovacuum keeps every local table's statistics current.
        this.shardStatistics = layout.shards().map(shards -> ShardStatistics.start(database, layout.names(), shards));
        this.rows = new Rows(layout, layout.deletesRows(settings.deleteMode()));
        this.facade = facade;
        this.unwrappable = List.of(DataSource.class, facade.getClass());
        if (layout.vectorIndex().isEmpty() && layout.shards().isEmpty()) {
            LOG.warn("The table {} has no HNSW index for {} distance, so every query scans the whole table. Run"
                    + " `vectorstore schema upgrade` or PgVectorTable.buildVectorIndex() [docs/errors.md#index-missing]",
                    layout.names().display(), settings.metric().configName());
        }
    }

    /** {@code policy} (see {@link PgVectorSettings#RETRY}), logging each retry. */
    public static RetryPolicy retryPolicy(RetryPolicy policy) {
        return policy.withRetryListener((operation, attempt, failure, delay) -> LOG.info(
                "{} failed (attempt {}), retrying in {} ms: {}", operation, attempt, delay.toMillis(), failure.problem()));
    }

    /** The table this backend works on. */
    public TableLayout layout() {
        return layout;
    }

    /** The writer, for writes in a caller's transaction. */
    public RecordWriter writer() {
        return writer;
    }

    /** The row operations, for listing pending rows. */
    public Rows rows() {
        return rows;
    }

    /** The searcher, for the benchmark's and the tests' look at the SQL. */
    public Searcher searcher() {
        return searcher;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DistanceMetric metric() {
        return settings.metric();
    }

    @Override
    public OptionalInt dimension() {
        return OptionalInt.of(layout.vector().dimension());
    }

    @Override
    public void upsert(String namespace, List<VectorRecord> records) {
        inTransaction("Upsert into " + layout.names().display(), connection -> {
            writer.write(connection, namespace, records, upsertOptions);
            return null;
        });
        reads.wrote();
        wrote(records.size());
    }

    @Override
    public List<Match> query(String namespace, Query query) {
        List<Match> matches = search(namespace, query);
        monitor.offer(namespace, query, matches);
        return matches;
    }

    // A query without the recall monitor's sampling (the health check's canary is no real query).
    private List<Match> search(String namespace, Query query) {
        return reads.withConnection("Query of " + layout.names().display(),
                connection -> searcher.search(connection, namespace, query));
    }

    /**
     * Counts {@code rows} written (upserted, updated or deleted) for the coordinator's statistics of a sharded table
     * (ARCHITECTURE.md, "Shards"); nothing otherwise.
     */
    void wrote(long rows) {
        shardStatistics.ifPresent(statistics -> statistics.wrote(rows));
    }

    /** The statistics keeper of a sharded table; empty for any other. */
    Optional<ShardStatistics> shardStatistics() {
        return shardStatistics;
    }

    /**
     * Runs {@code ANALYZE} on {@code connection}: of the table, or of a sharded table's foreign partitions one by one
     * (ARCHITECTURE.md, "Shards").
     */
    void analyze(Connection connection) throws SQLException {
        if (shardStatistics.isPresent()) {
            shardStatistics.get().analyzeNow(connection);
        } else {
            Jdbc.execute(connection, "ANALYZE " + layout.names().qualified());
        }
    }

    /** The recall monitor, for registering listeners. */
    RecallMonitor monitor() {
        return monitor;
    }

    @Override
    public Map<String, VectorRecord> fetch(String namespace, List<String> ids) {
        return reads.inTransaction("Fetch from " + layout.names().display(), connection -> rows.fetch(connection, namespace, ids));
    }

    /** Pinecone's {@code update}: one small statement per part given, in one transaction. */
    @Override
    public boolean update(String namespace, String id, float[] values, SparseValues sparseValues, Map<String, Object> setMetadata) {
        boolean found = inTransaction("Update in " + layout.names().display(), connection -> {
            boolean there = true;
            if (values != null) {
                there = writer.updateValues(connection, namespace, id, values, settings.embeddingModel());
            }
            if (there && sparseValues != null) {
                there = writer.updateSparseValues(connection, namespace, id, sparseValues);
            }
            if (there && setMetadata != null) {
                there = writer.mergeMetadata(connection, namespace, id, setMetadata);
            }
            return there;
        });
        reads.wrote();
        wrote(found ? 1 : 0);
        return found;
    }

    /** True when the table has the sparse values' columns (schema version 4, ARCHITECTURE.md "Sparse values"). */
    @Override
    public boolean supportsSparseValues() {
        return layout.sparseValues();
    }

    /** The table lacks the columns: a schema upgrade adds them. */
    @Override
    public String sparseValuesFix() {
        return "The table " + layout.names().display() + " has no columns for sparse values yet. "
                + PgVectorTable.SPARSE_UPGRADE;
    }

    @Override
    public RecordPage fetchByFilter(String namespace, RecordPageRequest request) {
        return reads.inTransaction("Fetch by filter from " + layout.names().display(),
                connection -> rows.fetchByFilter(connection, namespace, request));
    }

    @Override
    public void delete(String namespace, List<String> ids) {
        wrote(inTransaction("Delete from " + layout.names().display(), connection -> rows.delete(connection, namespace, ids)));
        reads.wrote();
    }

    @Override
    public void deleteByFilter(String namespace, Filter filter) {
        wrote(inTransaction("Delete by filter from " + layout.names().display(),
                connection -> rows.deleteByFilter(connection, namespace, filter)));
        reads.wrote();
    }

    @Override
    public void deleteAll(String namespace) {
        // A namespace with a partition of its own is emptied by TRUNCATE (ARCHITECTURE.md, "Namespaces as partitions").
        boolean truncatable = layout.deletesRows(settings.deleteMode());
        wrote(inTransaction("Delete all of namespace '" + namespace + "' from " + layout.names().display(),
                connection -> truncatable && writer.partitions().truncate(connection, namespace) ? 0
                        : rows.deleteAll(connection, namespace)));
        reads.wrote();
    }

    @Override
    public IdPage listIds(String namespace, IdPageRequest request) {
        return reads.inTransaction("Listing ids of " + layout.names().display(),
                connection -> rows.listIds(connection, namespace, request, false));
    }

    @Override
    public StoreStats stats() {
        Map<String, Long> counts = reads.inTransaction("Stats of " + layout.names().display(), rows::countByNamespace);
        return new StoreStats(NAME, dimension(), settings.metric(), counts);
    }

    /**
     * A canary search in {@code namespace}, plus what an operator needs to know: whether a vector index for the metric
     * exists and whether the planner uses it, and with replicas, each read server's role and lag. No index, or a
     * replica that is unreachable, promoted or paused, means {@code DEGRADED}: searches work, but slower or elsewhere.
     */
    @Override
    public HealthReport health(String namespace) {
        HealthReport table = tableHealth(namespace);
        if (!reads.enabled()) {
            return table;
        }
        ReadReplicas.Status replicas = reads.status();
        Map<String, Object> details = new LinkedHashMap<>(table.details());
        details.put("readServers", replicas.details());
        if (replicas.problem() == null) {
            return new HealthReport(table.status(), NAME, table.latency(), table.message(), details);
        }
        return new HealthReport(table.status() == HealthReport.Status.UP ? HealthReport.Status.DEGRADED : table.status(),
                NAME, table.latency(), table.message() + "; read replicas: " + replicas.problem()
                + " [docs/scaling.md#read-replicas]", details);
    }

    private HealthReport tableHealth(String namespace) {
        long started = System.nanoTime();
        Query probe = Canary.query(layout.vector().dimension());
        int found = search(namespace, probe).size();
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("table", layout.names().display());
        details.put("dimension", layout.vector().dimension());
        details.put("metric", settings.metric().configName());
        details.put("canaryMatches", found);
        if (layout.shards().isEmpty()) {
            // A sharded table's searches run at its shard servers' settings, which the inspection adds.
            putSearchSettings(details);
        }
        Inspection inspection = inTransaction("Health check of " + layout.names().display(), connection -> {
            TableShape shape = Catalog.read(connection, layout.names());
            TableSize measured = tableSize(connection);
            PartitionLayout.summary(connection, layout.names()).ifPresent(partitions -> details.put("partitions",
                    partitions.describe()));
            details.put("estimatedRows", measured.estimatedRows());
            Optional.ofNullable(shape.availableExtensionVersion()).or(() -> Optional.ofNullable(shape.extensionVersion()))
                    .ifPresent(version -> details.put("pgvectorVersion", version));
            TableLayout.extensionWarning(shape.extensionVersion(), shape.availableExtensionVersion())
                    .ifPresent(warning -> details.put("warning", warning));
            if (layout.shards().isPresent()) {
                // The indexes live on the shards, which the canary query just reached, each through its own index
                // (ARCHITECTURE.md, "Shards"); `schema status --shards` reports them.
                details.put("shards", layout.shards().get().servers());
                List<Long> estimates = ShardStatistics.estimates(connection, layout.shards().get().partitions());
                Map<String, String> statistics = new LinkedHashMap<>();
                for (int i = 0; i < estimates.size(); i++) {
                    statistics.put(layout.shards().get().servers().get(i), ShardStatistics.describe(estimates.get(i)));
                }
                details.put("shardStatistics", statistics);
                return new Inspection(true, measured, shardSearchSettings(connection, estimates, details));
            }
            Optional<String> name = shape.vectorIndex(settings.metric(), layout.vector()).map(TableShape.Index::name);
            details.put("vectorIndex", name.orElse("none"));
            if (name.isPresent()) {
                details.put("vectorIndexPrecision", layout.vector().indexPrecisionName());
            }
            details.put("vectorIndexUsed", name.isPresent() && PlanCheck.usesIndex(connection, searcher, layout.names(), namespace, probe,
                    name.get()));
            return new Inspection(name.isPresent(), measured, Optional.empty());
        });
        TableSize size = inspection.size();
        if (!inspection.indexed()) {
            return new HealthReport(HealthReport.Status.DEGRADED, NAME, latency, "canary search answered, but "
                    + layout.names().display() + " has no HNSW index for " + settings.metric().configName()
                    + " distance: every query scans the table. Run `vectorstore schema upgrade`. [docs/errors.md#index-missing]",
                    details);
        }
        if (size.statisticsStale()) {
            return new HealthReport(HealthReport.Status.DEGRADED, NAME, latency, "canary search answered, but the planner's"
                    + " statistics of " + layout.names().display() + " are out of date (they describe " + size.plannerPages()
                    + " pages, the table has " + size.actualPages() + "), so queries may scan the table instead of using its"
                    + " index. Run ANALYZE " + layout.names().qualified() + ". [" + ErrorCode.INDEX_MISSING.docsLink() + "]",
                    details);
        }
        if (inspection.shardBelowTarget().isPresent()) {
            return new HealthReport(HealthReport.Status.DEGRADED, NAME, latency, inspection.shardBelowTarget().get(), details);
        }
        Optional<RecallMonitor.Reading> recall = monitor.reading();
        recall.ifPresent(reading -> {
            details.put("rollingRecall", reading.rollingRecall());
            details.put("recallSamples", reading.samples());
        });
        if (recall.isPresent() && recall.get().samples() >= RecallMonitor.MIN_SAMPLES
                && recall.get().rollingRecall() < settings.targetRecall()) {
            return new HealthReport(HealthReport.Status.DEGRADED, NAME, latency, recallMessage(recall.get()), details);
        }
        // A sharded table's recall is its shards' (checked above): a coordinator calibration never reaches them.
        Optional<SearchCalibration> belowTarget = layout.shards().isPresent() ? Optional.empty()
                : Stream.of(searcher.tuning(false), searcher.tuning(true))
                .flatMap(tuning -> tuning.calibration().stream())
                .filter(calibration -> calibration.recall() < settings.targetRecall()).findFirst();
        if (belowTarget.isPresent()) {
            return new HealthReport(HealthReport.Status.DEGRADED, NAME, latency, belowTargetMessage(belowTarget.get()), details);
        }
        return new HealthReport(HealthReport.Status.UP, NAME, latency, "canary search answered"
                + (details.containsKey("warning") ? "; warning: " + details.get("warning") : ""), details);
    }

    // Names the fix: an explicit ef_search is what keeps a calibration from applying; otherwise calibrate.
    private String recallMessage(RecallMonitor.Reading reading) {
        String measured = String.format(Locale.ROOT, "canary search answered, but the recall of sampled queries is"
                + " %.3f over the last %d (re-run by exact search), below %s %.3f. ", reading.rollingRecall(),
                reading.samples(), PgVectorSettings.TARGET_RECALL.key(), settings.targetRecall());
        if (settings.configuredEfSearch().isPresent()) {
            return measured + PgVectorSettings.EF_SEARCH.key() + " is set to " + settings.efSearch() + " and wins over any"
                    + " calibration: unset it and run `vectorstore calibrate --save`, or raise it.";
        }
        return measured + "Run `vectorstore calibrate --save` to store an ef_search that meets the target on this data"
                + " (if it cannot, rebuild the index with a larger PGVECTOR_HNSW_M or PGVECTOR_HNSW_EF_CONSTRUCTION).";
    }

    /*
     * A sharded table's searches run at each shard server's ef_search (ARCHITECTURE.md, "Calibration"), so health shows
     * those, each with the calibration stored for its shard, instead of the coordinator's session setting, which never
     * reaches a shard. Returns the message for a shard whose calibration in force measured less than the target.
     */
    private Optional<String> shardSearchSettings(Connection connection, List<Long> estimates, Map<String, Object> details)
            throws SQLException {
        List<ShardServer> servers = ShardServers.read(connection, layout.names(), false);
        Map<String, String> inForce = new LinkedHashMap<>();
        Optional<String> belowTarget = Optional.empty();
        for (int i = 0; i < servers.size(); i++) {
            ShardServer shard = servers.get(i);
            long estimate = i < estimates.size() ? estimates.get(i) : -1;
            Optional<SearchCalibration> calibration = shard.calibrationInForce(estimate);
            inForce.put(shard.server(), shard.searchSetting(estimate));
            if (belowTarget.isEmpty() && calibration.isPresent() && calibration.get().recall() < settings.targetRecall()) {
                belowTarget = Optional.of(belowTargetMessage(calibration.get()) + " [shard " + shard.server() + "]");
            }
        }
        details.put("shardEfSearch", inForce);
        return belowTarget;
    }

    // A calibration that could not meet the target stores its best setting (vectorstore calibrate --save): searches
    // come as close as this index can, and health says they are not close enough. One that met a lower target than
    // today's only needs running again.
    private String belowTargetMessage(SearchCalibration calibration) {
        String measured = String.format(Locale.ROOT, "canary search answered, but the calibration in force measured"
                + " recall@%d %.3f (ef_search %d), below %s %.3f", calibration.topK(), calibration.recall(),
                calibration.efSearch(), PgVectorSettings.TARGET_RECALL.key(), settings.targetRecall());
        if (calibration.recall() >= calibration.targetRecall()) {
            return String.format(Locale.ROOT, "%s: it was chosen for a target of %.3f. Run `vectorstore calibrate --save`"
                    + " for the current target.", measured, calibration.targetRecall());
        }
        return measured + ", and it was the best of the settings it tried: this index's graph does not find enough of the"
                + " true neighbours. Rebuild the index with a larger PGVECTOR_HNSW_M or PGVECTOR_HNSW_EF_CONSTRUCTION and run"
                + " `vectorstore calibrate --save` again, or lower the target.";
    }

    // The setting in force and where it comes from: the configuration, a calibration (when, on how many rows), or the
    // default. Filtered queries are shown only when their setting differs.
    private void putSearchSettings(Map<String, Object> details) {
        Calibrations.Tuning unfiltered = searcher.tuning(false);
        Calibrations.Tuning filtered = searcher.tuning(true);
        details.put("efSearch", unfiltered.efSearch());
        details.put("iterativeScan", unfiltered.iterativeScan().sqlValue());
        details.put("searchSetting", unfiltered.source());
        if (!filtered.equals(unfiltered)) {
            details.put("filteredEfSearch", filtered.efSearch());
            details.put("filteredIterativeScan", filtered.iterativeScan().sqlValue());
            details.put("filteredSearchSetting", filtered.source());
        }
        details.put("targetRecall", settings.targetRecall());
    }

    /**
     * Stores {@code calibration} for this table, where every store on it (in any process) picks it up within
     * {@link Calibrations#TTL}, and this one at its next query.
     */
    void saveCalibration(SearchCalibration calibration) {
        inTransaction("Saving the search calibration of " + layout.names().display(), connection -> {
            Calibrations.save(connection, layout.names(), calibration);
            return null;
        });
        calibrations.invalidate();
    }

    /** The shard servers of a sharded table, read from the coordinator's catalog; empty for any other table. */
    List<ShardServer> shardServers() {
        if (layout.shards().isEmpty()) {
            return List.of();
        }
        return inTransaction("Reading the shard servers of " + layout.names().display(),
                connection -> ShardServers.read(connection, layout.names(), true));
    }

    /** Stores per-shard calibrations and applies their ef_search to the shard servers, in one transaction. */
    void saveShardCalibrations(Map<ShardServer, SearchCalibration> calibrations) {
        inTransaction("Saving the shard calibrations of " + layout.names().display(), connection -> {
            ShardServers.save(connection, layout.names(), calibrations);
            return null;
        });
    }

    /** The calibrations stored for this table; empty when there are none or no calibration table. */
    List<SearchCalibration> calibrations() {
        return inTransaction("Reading the search calibrations of " + layout.names().display(), connection ->
                Calibrations.tableExists(connection, layout.names()) ? Calibrations.list(connection, layout.names()) : List.of());
    }

    /** What a health check found in the catalog: whether the metric has a vector index, and the table's size. */
    private record Inspection(boolean indexed, TableSize size, Optional<String> shardBelowTarget) {
    }

    /** What the planner believes of the table's size, and its real size in pages. */
    private record TableSize(long estimatedRows, long plannerPages, long actualPages) {

        private static final long STALE_STATISTICS_MIN_PAGES = 1_000;

        // A bulk load into a table the planner last saw (nearly) empty: it then prefers a scan to the HNSW index
        // until autovacuum analyzes the table. Below a few megabytes a scan is cheap anyway.
        boolean statisticsStale() {
            return actualPages >= STALE_STATISTICS_MIN_PAGES && actualPages > 10 * Math.max(plannerPages, 1);
        }
    }

    private TableSize tableSize(Connection connection) throws SQLException {
        // Summed over the leaves, so a table partitioned by namespace is measured by its partitions' rows
        // (pg_partition_tree lists nothing for a table outside a partition tree: such a table is its own leaf).
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT sum(greatest(reltuples, 0))::int8, sum(relpages)::int8,"
                + " sum(pg_relation_size(oid))::int8 / current_setting('block_size')::int8 FROM pg_class WHERE (oid ="
                + " to_regclass(?) AND relkind = 'r') OR oid IN (SELECT relid FROM pg_partition_tree(to_regclass(?))"
                + " WHERE isleaf)", layout.names().qualified(), layout.names().qualified()),
                row -> new TableSize(row.getLong(1), row.getLong(2), row.getLong(3))).orElse(new TableSize(0, 0, 0));
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type.isInstance(facade)) {
            return Optional.of(type.cast(facade));
        }
        if (type == DataSource.class) {
            return Optional.of(type.cast(database.dataSource()));
        }
        return type.isInstance(database.dataSource()) ? Optional.of(type.cast(database.dataSource())) : Optional.empty();
    }

    @Override
    public List<Class<?>> unwrappableTypes() {
        return unwrappable;
    }

    @Override
    public void close() {
        monitor.close();
        shardStatistics.ifPresent(ShardStatistics::close);
        reads.close();
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                LOG.warn("Closing the connection pool of {} failed: {}", layout.names().display(), e.toString());
            }
        }
    }

    /**
     * Runs {@code work} in a transaction of its own bounded by {@code PGVECTOR_STATEMENT_TIMEOUT}, retrying transient
     * failures, translating errors.
     */
    <T> T inTransaction(String action, Jdbc.Work<T> work) {
        return database.inTransaction(action, work);
    }

    /**
     * Runs {@code work} on a connection of its own in auto-commit mode, retrying transient failures, translating
     * errors; unbounded unless the work sends {@link Database#prologue} itself.
     */
    <T> T withConnection(String action, Jdbc.Work<T> work) {
        return database.withConnection(action, work);
    }
}
