package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.observe.OperationListener;
import io.amprenta.vectorstore.observe.RecallSource;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import io.amprenta.vectorstore.spi.Limits;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Bulk work on a pgvector table beyond the {@link VectorStore} API, for the migrator and for loaders: writing a
 * batch of records on the caller's connection inside the caller's transaction (so that the batch and the caller's
 * own bookkeeping commit or roll back together), listing the rows that still lack an embedding, and dropping and
 * rebuilding the HNSW index around a bulk load.
 *
 * <p>Get one from a store with {@code store.unwrap(PgVectorTable.class)}, or open one on a {@link DataSource} with
 * {@link #open}. Thread-safe.
 */
public final class PgVectorTable implements RecallSource {

    /** How to give a table the sparse values' columns, for refusals. */
    static final String SPARSE_UPGRADE = "Run `vectorstore schema upgrade` (SchemaManager.upgrade()): schema version 4"
            + " adds the columns that keep sparse values losslessly.";

    private final DataSource dataSource;
    private final PgVectorSettings settings;
    private final PgVectorBackend backend;

    PgVectorTable(DataSource dataSource, AutoCloseable ownedPool, PgVectorSettings settings, TableLayout layout,
                  Map<String, String> sessionDefaults, ReadReplicas.Setup replicas) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.backend = new PgVectorBackend(dataSource, ownedPool, settings, layout, sessionDefaults, this, replicas);
    }

    /**
     * Whether the table has the sparse values' columns (schema version 4): without them, records with sparse values
     * are refused rather than written without them (ARCHITECTURE.md, "Sparse values").
     */
    public boolean supportsSparseValues() {
        return backend.supportsSparseValues();
    }

    /** The backend the store is made of. */
    PgVectorBackend backend() {
        return backend;
    }

    /**
     * Opens the table {@code settings} names on {@code dataSource} (which stays the caller's to close), checking it
     * as a store does.
     *
     * @throws io.amprenta.vectorstore.ConfigurationException when the table cannot be used; the message says why
     */
    public static PgVectorTable open(DataSource dataSource, PgVectorSettings settings) {
        return PgVectorStore.builder().dataSource(dataSource).settings(settings).buildTable();
    }

    /** The settings, with the dimension as found in the table. */
    public PgVectorSettings settings() {
        return settings;
    }

    /** The DataSource the table is reached through. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The vector dimension. */
    public int dimension() {
        return backend.layout().vector().dimension();
    }

    /**
     * Upserts {@code records} into {@code namespace} on {@code connection}, inside the caller's transaction, as
     * {@link VectorStore#upsert} would: {@link #write} with {@link PgWriteOptions#upsert} and the configured
     * embedding model.
     */
    public void upsert(Connection connection, String namespace, List<VectorRecord> records) {
        write(connection, namespace, records, PgWriteOptions.upsert(settings.embeddingModel()));
    }

    /**
     * Writes {@code records} into {@code namespace} on {@code connection}, inside the caller's transaction: nothing is
     * committed, so the caller can record its progress on the same connection and commit both at once. When the
     * connection is in auto-commit mode, the write is a transaction of its own instead. Records are checked like
     * {@link VectorStore#upsert} checks them, and when an id repeats the last record wins. Only the library's columns
     * are written.
     *
     * <p>On failure the caller's transaction is aborted (roll it back); the exception is translated as the store's
     * are, and retryable ones ({@link io.amprenta.vectorstore.RetryableException}) are worth a new transaction.
     *
     * @return the ids not written because they have no row and {@code options} say not to insert rows
     * @throws io.amprenta.vectorstore.InvalidRequestException when a record breaks a limit; nothing is written
     * @throws io.amprenta.vectorstore.ConfigurationException ({@code SCHEMA_CONFLICT}) when rows must be inserted but
     *     the application's table has NOT NULL columns the library cannot fill; nothing is written
     */
    public Set<String> write(Connection connection, String namespace, List<VectorRecord> records, PgWriteOptions options) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(options, "options");
        Map<String, VectorRecord> lastById = new LinkedHashMap<>();
        OptionalInt dimension = OptionalInt.of(dimension());
        for (VectorRecord record : records) {
            Limits.checkRecord(Objects.requireNonNull(record, "records must not contain null"), dimension, true);
            if (record.hasSparseValues() && !supportsSparseValues()) {
                throw new InvalidRequestException(ErrorCode.SPARSE_VALUES_UNSUPPORTED, "Record " + Limits.quoteId(record.id())
                        + " has sparse values, but " + settings.qualifiedTable() + " has no columns for them; nothing was"
                        + " written. " + SPARSE_UPGRADE);
            }
            lastById.put(record.id(), record);
        }
        List<VectorRecord> unique = new ArrayList<>(lastById.values());
        try {
            Jdbc.registerVectorType(connection);
            Set<String> skipped = connection.getAutoCommit()
                    ? Jdbc.inTransaction(connection, c -> backend.writer().write(c, namespace, unique, options))
                    : backend.writer().write(connection, namespace, unique, options);
            backend.wrote(unique.size() - skipped.size());
            return skipped;
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "Writing into " + settings.qualifiedTable(), TableNames.of(settings).display());
        }
    }

    /**
     * Up to {@code limit} ids of rows in {@code namespace} without an embedding yet, in byte order, after
     * {@code afterId} ({@code null} to start): plain keyset pagination for a backfill that tracks its own position.
     */
    public List<String> pendingIdsAfter(String namespace, String afterId, int limit) {
        IdPageRequest request = IdPageRequest.first(limit);
        return listPendingIds(namespace, afterId == null ? request : request.after(IdKeyset.cursorAfter(afterId))).ids();
    }

    /**
     * One page of ids of rows in {@code namespace} that have no embedding yet (the application's rows a backfill must
     * fill), in byte order, with an opaque cursor. Served by the partial index {@code <table>_vs_pending}.
     */
    public IdPage listPendingIds(String namespace, IdPageRequest request) {
        return withConnection("Listing pending ids of " + settings.qualifiedTable(),
                connection -> backend.rows().listIds(connection, namespace, request, true));
    }

    /** How many rows of {@code namespace} have no embedding yet. */
    public long countPendingRows(String namespace) {
        return withConnection("Counting pending rows of " + settings.qualifiedTable(),
                connection -> backend.rows().countPending(connection, namespace));
    }

    /** Like {@link #listPendingIds(String, IdPageRequest)}, on the caller's connection and transaction. */
    public IdPage listPendingIds(Connection connection, String namespace, IdPageRequest request) {
        try {
            return backend.rows().listIds(connection, namespace, request, true);
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "Listing pending ids of " + settings.qualifiedTable(), TableNames.of(settings).display());
        }
    }

    /**
     * Stores {@code calibration} in the database (the table {@code vectorstore_search_calibration} next to the schema
     * version table), replacing the one for the same kind of query and size class. Every store on this table uses it
     * from then on, unless {@code PGVECTOR_EF_SEARCH} is set; running stores pick it up within half a minute.
     */
    public void saveCalibration(SearchCalibration calibration) {
        backend.saveCalibration(Objects.requireNonNull(calibration, "calibration"));
    }

    /**
     * The shard servers of a table sharded across servers, as the coordinator's catalog describes them (ARCHITECTURE.md,
     * "Calibration"); empty when the table is not sharded.
     *
     * @throws io.amprenta.vectorstore.ConfigurationException when the current user cannot read a shard's login
     */
    public List<ShardServer> shardServers() {
        return backend.shardServers();
    }

    /**
     * Stores a calibration for each of the given shards and sets its ef_search in the shard's foreign server
     * {@code options}, where new shard sessions pick it up, all in one transaction on the coordinator (nothing changes
     * when any of it fails). An unfiltered calibration sets the shard's ef_search, a filtered one only raises it.
     */
    public void saveShardCalibrations(Map<ShardServer, SearchCalibration> calibrations) {
        backend.saveShardCalibrations(Map.copyOf(calibrations));
    }

    /** The calibrations stored for this table, unfiltered first, smaller tables first. */
    public List<SearchCalibration> calibrations() {
        return backend.calibrations();
    }

    /**
     * Tells {@code listener} the recall of each query the recall monitor re-checks ({@code PGVECTOR_RECALL_SAMPLE_RATE});
     * {@code ObservedVectorStore.wrap} calls this for its listeners.
     */
    @Override
    public void addRecallListener(OperationListener listener) {
        backend.monitor().addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** The SQL the store runs for {@code query} in {@code namespace}, with its parameters and scan settings. */
    public SearchStatement searchStatement(String namespace, Query query) {
        SqlFragment sql = backend.searcher().indexQuery(namespace, query);
        return new SearchStatement(sql.sql(), sql.parameters(), backend.searcher().scanSettings(namespace, query));
    }

    /**
     * The exact answer to {@code query} in {@code namespace}: every matching row's distance computed, never the HNSW
     * index. Slow on large tables (a full scan of the namespace); it is the ground truth that recall is measured
     * against ({@code vectorstore benchmark}, {@code vectorstore calibrate}).
     */
    public List<Match> exactSearch(String namespace, Query query) {
        Objects.requireNonNull(namespace, "namespace");
        Limits.checkQuery(Objects.requireNonNull(query, "query"), OptionalInt.of(dimension()));
        return withConnection("Exact search in " + settings.qualifiedTable(),
                connection -> backend.searcher().exactSearch(connection, namespace, query));
    }

    /**
     * Up to {@code count} ids of records in {@code namespace}, spread over the whole table and the same for the same
     * {@code seed} (and contents): query vectors for benchmarks that should look like the stored data. Reads every
     * id of the namespace once.
     */
    public List<String> sampleIds(String namespace, int count, long seed) {
        Objects.requireNonNull(namespace, "namespace");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        return withConnection("Sampling ids of " + settings.qualifiedTable(),
                connection -> backend.rows().sampleIds(connection, namespace, count, seed));
    }

    /**
     * The planner's plan for {@code query} under the store's per-query settings ({@code EXPLAIN} text): shows whether
     * the HNSW index is used.
     */
    public String explain(String namespace, Query query) {
        return backend.inTransaction("Explaining a query on " + settings.qualifiedTable(),
                connection -> PlanCheck.explain(connection, backend.searcher(), namespace, query));
    }

    /** The name of the vector index that serves the configured metric, if there is one now. */
    public Optional<String> vectorIndex() {
        return withConnection("Reading the indexes of " + settings.qualifiedTable(), connection -> Catalog
                .read(connection, TableNames.of(settings))
                .vectorIndex(settings.metric(), backend.layout().vector()).map(TableShape.Index::name));
    }

    /**
     * Drops the vector indexes that serve the configured metric before a bulk load, whatever their names (the
     * application's own as well as the library's {@code <table>_embedding_hnsw}): inserting into an indexed table is
     * many times slower than building the index afterwards with {@link #buildVectorIndex}. Each index's definition is
     * first recorded in {@code vectorstore_deferred_index}, in the same transaction, so that the rebuild (possibly by
     * another process, after a crash) recreates it with its own name and options. Queries keep working meanwhile, by
     * scanning the table.
     *
     * @return whether there was an index to drop
     */
    public boolean dropVectorIndex() {
        TableNames names = TableNames.of(settings);
        return withConnection("Dropping the vector index of " + settings.qualifiedTable(), connection ->
                Jdbc.inTransaction(connection, c -> {
                    Jdbc.execute(c, SchemaScripts.lock());
                    TableShape shape = Catalog.read(c, names);
                    List<TableShape.Index> serving = new ArrayList<>(shape.servingIndexes(settings.metric(),
                            backend.layout().vector()));
                    shape.index(names.vectorIndex()).filter(index -> !serving.contains(index)).ifPresent(serving::add);
                    if (serving.isEmpty()) {
                        return false;
                    }
                    Jdbc.execute(c, SchemaScripts.createDeferredIndexTable(names));
                    for (TableShape.Index index : serving) {
                        if (index.valid()) {
                            Jdbc.execute(c, SchemaScripts.recordDeferredIndex(names, index.name(), index.definition()));
                        }
                        Jdbc.execute(c, "DROP INDEX " + names.qualify(index.name()));
                    }
                    return true;
                }));
    }

    /**
     * Builds the vector index for the configured metric with {@code maintenance_work_mem} and parallel workers set
     * for the build, then runs {@code ANALYZE} so the planner knows the table's new size. The indexes
     * {@link #dropVectorIndex} recorded are recreated from their own definitions; otherwise, when no valid index
     * serves the metric, the library's HNSW index is built ({@code m} and {@code ef_construction} from the
     * settings), replacing an invalid one left by a failed concurrent build. An index that serves the metric
     * already, under any name, is never duplicated.
     */
    public void buildVectorIndex(IndexBuildOptions options) {
        buildIndex(options);
    }

    /**
     * {@link #buildVectorIndex(IndexBuildOptions)} with the settings' build options: {@code PGVECTOR_INDEX_BUILD_MEMORY}
     * and {@code PGVECTOR_INDEX_BUILD_WORKERS} (workers derived from the server when unset).
     */
    public void buildVectorIndex() {
        buildIndex(settings.indexBuild());
    }

    private void buildIndex(IndexBuildOptions options) {
        Objects.requireNonNull(options, "options");
        TableNames names = TableNames.of(settings);
        String action = "Building the vector index of " + settings.qualifiedTable();
        withConnection(action, connection -> {
            Map<String, String> deferred = deferredIndexes(connection, names);
            TableShape shape = Catalog.read(connection, names);
            List<String> creates = new ArrayList<>();
            if (!deferred.isEmpty()) {
                for (Map.Entry<String, String> index : deferred.entrySet()) {
                    dropInvalid(connection, shape, names, index.getKey());
                    // A partitioned table's index reads "ON ONLY t": recreated that way it would index no partition.
                    creates.add(index.getValue().replaceFirst("^CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ")
                            .replaceFirst(" ON ONLY ", " ON "));
                }
            } else if (shape.servingIndexes(settings.metric(), backend.layout().vector()).isEmpty()) {
                dropInvalid(connection, shape, names, names.vectorIndex());
                creates.add(SchemaScripts.createVectorIndex(names, backend.layout().vector(), settings.metric(),
                        settings.hnswM(), settings.hnswEfConstruction()));
            }
            // PostgreSQL cannot build an index of a partitioned table concurrently: each partition's is built in turn.
            IndexBuildOptions chosen = options.concurrently() && PartitionLayout.isPartitioned(connection, names)
                    ? options.withConcurrently(false) : options;
            for (String create : creates) {
                build(connection, chosen, create);
            }
            if (!deferred.isEmpty()) {
                Jdbc.execute(connection, SchemaScripts.forgetDeferredIndexes(names));
            }
            analyze(connection);
            return null;
        });
    }

    private void build(Connection connection, IndexBuildOptions options, String create) throws SQLException {
        if (options.concurrently()) {
            // CREATE INDEX CONCURRENTLY cannot run in a transaction: set the session, and reset it for the pool.
            IndexBuilds.configure(connection, options, false);
            try {
                Jdbc.execute(connection, create.replaceFirst("CREATE INDEX", "CREATE INDEX CONCURRENTLY"));
            } finally {
                IndexBuilds.reset(connection);
            }
        } else {
            Jdbc.inTransaction(connection, c -> {
                IndexBuilds.configure(c, options, true);
                Jdbc.execute(c, create);
                return null;
            });
        }
    }

    private static void dropInvalid(Connection connection, TableShape shape, TableNames names, String index)
            throws SQLException {
        if (shape.index(index).filter(existing -> !existing.valid()).isPresent()) {
            Jdbc.execute(connection, "DROP INDEX IF EXISTS " + names.qualify(index));
        }
    }

    // The definitions dropVectorIndex recorded for this table, by index name; empty when there are none.
    static Map<String, String> deferredIndexes(Connection connection, TableNames names) throws SQLException {
        Map<String, String> deferred = new LinkedHashMap<>();
        boolean exists = Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL",
                names.deferredIndexTable()), row -> row.getBoolean(1)).orElseThrow();
        if (exists) {
            Jdbc.list(connection, Jdbc.Statement.of("SELECT index_name, definition FROM " + names.deferredIndexTable()
                    + " WHERE table_schema = ? AND table_name = ? ORDER BY index_name", names.schema(), names.table()),
                    row -> deferred.put(row.getString(1), row.getString(2)));
        }
        return deferred;
    }

    /**
     * Runs {@code ANALYZE} on the table. After a bulk load into a table the planner last saw empty, it would otherwise
     * estimate a handful of rows and scan the table instead of using the HNSW index, until autovacuum analyzes it. On
     * a table sharded across servers it analyzes the coordinator's foreign partitions, one by one (a store on such a
     * table also does so by itself as rows are written through it).
     */
    public void analyze() {
        withConnection("Analyzing " + settings.qualifiedTable(), connection -> {
            analyze(connection);
            return null;
        });
    }

    private void analyze(Connection connection) throws SQLException {
        backend.analyze(connection);
    }

    private <T> T withConnection(String action, Jdbc.Work<T> work) {
        return backend.withConnection(action, work);
    }
}
