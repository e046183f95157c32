package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the pgvector backend, its schema manager and its bulk tools need to know about one table: where it is, the
 * vector dimension and metric, search and index tuning, and how writes, deletes and retries behave. Immutable; build
 * with {@link #builder()} or read from configuration with {@link #fromConfig(VectorStoreConfig)}.
 *
 * <p>Every key is declared once below as a {@link Setting} (name, default, accepted values, documentation); the
 * builder, {@link #fromConfig}, error messages and the README's table all use those declarations, and
 * {@link Builder#build()} checks every value against them, so a value given in code is held to the same rules as one
 * read from the environment.
 *
 * <p>Connection settings ({@code DATABASE_URL}, the libpq variables) are not part of these settings: see
 * {@link PgDataSources}.
 */
public final class PgVectorSettings {

    /** The largest dimension of pgvector's {@code vector} type. */
    public static final int MAX_DIMENSION = 16_000;
    /** The largest {@code hnsw.ef_search} pgvector accepts. */
    public static final int MAX_EF_SEARCH = 1_000;

    private static final String PLAIN_NAME = "a plain SQL name: letters, digits and underscores, not starting with a digit,"
            + " at most " + Identifiers.MAX_LENGTH + " characters (the schema goes in PGVECTOR_SCHEMA)";

    /** The table. */
    public static final Setting<String> TABLE = name("PGVECTOR_TABLE", "rag_chunks",
            "the table (your existing one, or created by `schema upgrade`)");
    /** The table's schema. */
    public static final Setting<String> SCHEMA = name("PGVECTOR_SCHEMA", "public", "the table's schema");
    /** The id column's name, for application tables that call it something else. */
    public static final Setting<String> ID_COLUMN = name("PGVECTOR_ID_COLUMN", "id",
            "the table's id column: `text`, `uuid`, `bigint` or `integer`");
    /**
     * The jsonb column holding records' metadata: the library's own, named so that it cannot collide with an
     * application's {@code metadata} column (see ARCHITECTURE.md, "The application's table").
     */
    public static final Setting<String> METADATA_COLUMN = name("PGVECTOR_METADATA_COLUMN", "vectorstore_metadata",
            "the library's own jsonb column for record metadata");
    /** The vector dimension; unset, it is taken from the table's column. */
    public static final Setting<Integer> DIMENSION = Setting.integer("PGVECTOR_DIMENSION", null, 1, MAX_DIMENSION,
            "the vector dimension; required to create the column").withDefaultText("from the column");
    /** The distance metric. */
    public static final Setting<DistanceMetric> METRIC = DistanceMetric.setting("PGVECTOR_METRIC");
    /** The namespace a store starts in. */
    public static final Setting<String> NAMESPACE = Setting.text("PGVECTOR_NAMESPACE", "", "the namespace the store starts in")
            .withDefaultText("`\"\"`");
    /** The embedding model recorded with each vector. */
    public static final Setting<String> EMBEDDING_MODEL = Setting.text("EMBEDDING_MODEL", null,
            "written to `embedding_model` with every vector");
    /**
     * The HNSW candidate list per query. pgvector's own default, 40, gives a recall@10 of about 0.84 on real
     * 384-dimensional sentence embeddings; 100 gives at least 0.95 there, unfiltered and with a 10 % filter, for
     * roughly twice the query time of 40 (see docs/pgvector.md, "Tuning").
     */
    public static final Setting<Integer> EF_SEARCH = Setting.integer("PGVECTOR_EF_SEARCH", 100, 1, MAX_EF_SEARCH,
            "HNSW candidates per query, raised to top-k when smaller; set, it wins over the calibration `vectorstore"
                    + " calibrate --save` stored, which otherwise replaces the default");
    /** The recall@k the store calibrates for ({@code vectorstore calibrate --save}) and watches. */
    public static final Setting<Double> TARGET_RECALL = Setting.decimal("PGVECTOR_TARGET_RECALL", 0.95, 0.5, 1.0,
            "the recall@k `vectorstore calibrate --save` tunes searches for and the recall monitor holds them to");
    /** The share of real queries re-run by exact search in the background to watch recall; 0 switches it off. */
    public static final Setting<Double> RECALL_SAMPLE_RATE = Setting.decimal("PGVECTOR_RECALL_SAMPLE_RATE", 0.0, 0.0, 1.0,
            "the share of queries re-run by exact search on a background connection (at most "
                    + RecallMonitor.MAX_CHECKS_PER_SECOND + " a second) to report their recall; `0` switches the monitor off");
    /** How filtered scans continue past ef_search. */
    public static final Setting<IterativeScan> ITERATIVE_SCAN = Setting.choice("PGVECTOR_ITERATIVE_SCAN", IterativeScan.class,
            IterativeScan.RELAXED_ORDER, IterativeScan::sqlValue,
            "how filtered scans continue past `ef_search`: `relaxed_order`, `strict_order` or `off`");
    /** The most tuples an iterative scan visits (pgvector's default). */
    public static final Setting<Integer> MAX_SCAN_TUPLES = Setting.integer("PGVECTOR_MAX_SCAN_TUPLES", 20_000, 1,
            Integer.MAX_VALUE, "the most tuples a filtered iterative scan visits");
    /** Whether short approximate answers are redone exactly. */
    public static final Setting<Boolean> EXACT_FALLBACK = Setting.flag("PGVECTOR_EXACT_FALLBACK", true,
            "answer exactly when the index scan returned fewer than top-k rows, so a selective filter never quietly"
                    + " returns fewer");
    /** The HNSW graph degree (pgvector's default). */
    public static final Setting<Integer> HNSW_M = Setting.integer("PGVECTOR_HNSW_M", 16, 2, 100,
            "HNSW graph degree (index build)");
    /** The HNSW build candidate list (pgvector's default); at least twice {@link #HNSW_M}. */
    public static final Setting<Integer> HNSW_EF_CONSTRUCTION = Setting.integer("PGVECTOR_HNSW_EF_CONSTRUCTION", 64, 4, 1000,
            "HNSW build candidate list");
    /**
     * Whether the HNSW index works in full or half precision. Half precision halves the index and its build time;
     * stored vectors stay full precision and queries re-score the index's candidates exactly (docs/pgvector.md,
     * "Full or half precision").
     */
    public static final Setting<IndexPrecision> INDEX_PRECISION = Setting.choice("PGVECTOR_INDEX_PRECISION",
            IndexPrecision.class, IndexPrecision.AUTO, IndexPrecision::configName, "what the HNSW index is built on:"
                    + " `full` (the `vector` column), `half` (`embedding::halfvec(n)`, re-scored exactly) or `auto` (half"
                    + " above 2,000 dimensions, where pgvector cannot index `vector`); an existing index is kept until"
                    + " `schema upgrade --reindex`");
    /** {@code max_parallel_maintenance_workers} for the index builds the library runs; unset, derived from the server. */
    public static final Setting<Integer> INDEX_BUILD_WORKERS = Setting.integer("PGVECTOR_INDEX_BUILD_WORKERS", null, 0,
            IndexBuildOptions.MAX_PARALLEL_WORKERS, "`max_parallel_maintenance_workers` of the index builds the library"
                    + " runs (schema upgrade, deferred rebuild, `buildVectorIndex`)")
            .withDefaultText("the server's `max_parallel_workers`, at most " + IndexBuildOptions.DERIVED_WORKERS_CAP);
    /** {@code maintenance_work_mem} for the index builds the library runs. */
    public static final Setting<String> INDEX_BUILD_MEMORY = Setting.text("PGVECTOR_INDEX_BUILD_MEMORY",
            IndexBuildOptions.DEFAULT_MEMORY, "`maintenance_work_mem` of the index builds the library runs; an HNSW build"
                    + " is fastest when the graph fits").accepting(IndexBuildOptions::isMemorySize, "a PostgreSQL memory"
                    + " size such as 512MB or 2GB");
    /** The statement timeout of the store's statements; zero keeps the server's. */
    public static final Setting<Duration> STATEMENT_TIMEOUT = Setting.duration("PGVECTOR_STATEMENT_TIMEOUT", Duration.ZERO,
            Duration.ZERO, "`statement_timeout` of the store's statements").withDefaultText("the server's");
    /** Batches at least this large go through binary COPY; smaller ones through one multi-row INSERT (ARCHITECTURE.md, "Batched writes"). */
    public static final Setting<Integer> COPY_THRESHOLD = Setting.integer("PGVECTOR_COPY_THRESHOLD", 50, 1,
            Integer.MAX_VALUE, "batches at least this large are written with binary `COPY`");
    /** What deletes do to rows. */
    public static final Setting<DeleteMode> DELETE_MODE = Setting.choice("PGVECTOR_DELETE_MODE", DeleteMode.class,
            DeleteMode.AUTO, mode -> mode.name().toLowerCase(Locale.ROOT), "`row` deletes rows, `embedding` clears only the"
                    + " library's columns, `auto` picks `embedding` in an application's table");
    /** The size of the pool the store builds when it is given no DataSource. */
    public static final Setting<Integer> POOL_SIZE = Setting.integer("PGVECTOR_POOL_SIZE", 10, 1, 1000,
            "connections of the store's own pool (when you pass no `DataSource`)");
    // An application's call should not hang for minutes: a few retries within seconds.
    private static final RetryPolicy RETRY_DEFAULTS = RetryPolicy.builder().maxRetries(2)
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(2)).maxDuration(Duration.ofSeconds(30)).build();
    /** Retries of operations that failed with a retryable error: {@code PGVECTOR_MAX_RETRIES} and its three delays. */
    public static final RetryPolicy.Keys RETRY = RetryPolicy.Keys.of("PGVECTOR", RETRY_DEFAULTS);

    // The key's name before all backends counted retries the same way.
    private static final String RENAMED_MAX_ATTEMPTS = "PGVECTOR_MAX_ATTEMPTS";

    /** Every key these settings read, in documentation order. */
    public static List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>(List.of(TABLE, SCHEMA, ID_COLUMN, METADATA_COLUMN, DIMENSION, METRIC, NAMESPACE,
                EMBEDDING_MODEL, EF_SEARCH, TARGET_RECALL, RECALL_SAMPLE_RATE, ITERATIVE_SCAN, MAX_SCAN_TUPLES, EXACT_FALLBACK,
                HNSW_M, HNSW_EF_CONSTRUCTION, INDEX_PRECISION, INDEX_BUILD_WORKERS, INDEX_BUILD_MEMORY, STATEMENT_TIMEOUT,
                COPY_THRESHOLD, DELETE_MODE));
        all.addAll(RETRY.settings());
        all.add(POOL_SIZE);
        return List.copyOf(all);
    }

    /** How HNSW scans continue when the first {@code ef_search} candidates do not yield enough rows (pgvector 0.8). */
    public enum IterativeScan {
        /** Never continue: a selective filter may then leave fewer than top-k rows for the exact fallback to fix. */
        OFF("off"),
        /** Continue, returning rows in approximately ascending distance; the store re-orders them (best recall). */
        RELAXED_ORDER("relaxed_order"),
        /** Continue, returning rows in exact order. */
        STRICT_ORDER("strict_order");

        private final String sql;

        IterativeScan(String sql) {
            this.sql = sql;
        }

        /** The value of {@code hnsw.iterative_scan}. */
        public String sqlValue() {
            return sql;
        }
    }

    /** What the HNSW index is built on ({@link #INDEX_PRECISION}). */
    public enum IndexPrecision {
        /** Half precision above 2,000 dimensions, where pgvector cannot index {@code vector}; full below. */
        AUTO,
        /** The {@code vector} column itself: single precision, up to 2,000 dimensions. */
        FULL,
        /** The expression {@code embedding::halfvec(n)}, up to 4,000 dimensions; queries re-score exactly. */
        HALF;

        /** The value as configured, e.g. {@code half}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What deleting a record does to the table row that holds it. */
    public enum DeleteMode {
        /**
         * {@link #ROW} when the library created the table (it holds only the library's columns), {@link #EMBEDDING}
         * when it is an application's table, so deletes never destroy the application's data.
         */
        AUTO,
        /** Delete the row. */
        ROW,
        /** Keep the row and clear the library's columns: the record disappears, the application's columns stay. */
        EMBEDDING
    }

    private final String schema;
    private final String table;
    private final String idColumn;
    private final String metadataColumn;
    private final Integer dimension;
    private final DistanceMetric metric;
    private final String namespace;
    private final String embeddingModel;
    private final Integer efSearch;
    private final double targetRecall;
    private final double recallSampleRate;
    private final int hnswM;
    private final int hnswEfConstruction;
    private final IndexPrecision indexPrecision;
    private final Integer indexBuildWorkers;
    private final String indexBuildMemory;
    private final IterativeScan iterativeScan;
    private final int maxScanTuples;
    private final boolean exactFallback;
    private final Duration statementTimeout;
    private final int copyThreshold;
    private final DeleteMode deleteMode;
    private final RetryPolicy retry;
    private final int poolSize;

    private PgVectorSettings(Builder builder) {
        schema = SCHEMA.check(builder.schema);
        table = TABLE.check(builder.table);
        idColumn = ID_COLUMN.check(builder.idColumn);
        metadataColumn = METADATA_COLUMN.check(builder.metadataColumn);
        if (metadataColumn.equals(idColumn) || TableNames.FIXED_COLUMNS.contains(metadataColumn)
                || TableNames.SPARSE_COLUMNS.contains(metadataColumn)) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, METADATA_COLUMN.key() + " is '" + metadataColumn
                    + "', which is the id column or another of the library's columns. Choose a name of its own, e.g. "
                    + METADATA_COLUMN.defaultValue().orElseThrow() + ".");
        }
        dimension = builder.dimension == null ? null : DIMENSION.check(builder.dimension);
        metric = METRIC.check(builder.metric);
        namespace = NAMESPACE.check(builder.namespace);
        embeddingModel = builder.embeddingModel == null || builder.embeddingModel.isBlank() ? null : builder.embeddingModel;
        efSearch = builder.efSearch == null ? null : EF_SEARCH.check(builder.efSearch);
        targetRecall = TARGET_RECALL.check(builder.targetRecall);
        recallSampleRate = RECALL_SAMPLE_RATE.check(builder.recallSampleRate);
        hnswM = HNSW_M.check(builder.hnswM);
        hnswEfConstruction = HNSW_EF_CONSTRUCTION.check(builder.hnswEfConstruction);
        if (hnswEfConstruction < 2 * hnswM) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, HNSW_EF_CONSTRUCTION.key() + " is "
                    + hnswEfConstruction + " but pgvector needs at least twice " + HNSW_M.key() + " (" + hnswM
                    + "), i.e. " + 2 * hnswM + ". Raise it or lower " + HNSW_M.key() + ".");
        }
        indexPrecision = INDEX_PRECISION.check(builder.indexPrecision);
        if (indexPrecision == IndexPrecision.FULL && dimension != null && dimension > VectorColumn.MAX_VECTOR_INDEX_DIMENSION) {
            throw VectorColumn.fullPrecisionRefused(dimension);
        }
        indexBuildWorkers = builder.indexBuildWorkers == null ? null : INDEX_BUILD_WORKERS.check(builder.indexBuildWorkers);
        indexBuildMemory = INDEX_BUILD_MEMORY.check(builder.indexBuildMemory);
        iterativeScan = builder.iterativeScan == null ? null : ITERATIVE_SCAN.check(builder.iterativeScan);
        maxScanTuples = MAX_SCAN_TUPLES.check(builder.maxScanTuples);
        exactFallback = builder.exactFallback;
        statementTimeout = STATEMENT_TIMEOUT.check(builder.statementTimeout);
        copyThreshold = COPY_THRESHOLD.check(builder.copyThreshold);
        deleteMode = DELETE_MODE.check(builder.deleteMode);
        retry = Objects.requireNonNull(builder.retry, "retry");
        RETRY.maxRetries().check(retry.maxRetries());
        poolSize = POOL_SIZE.check(builder.poolSize);
    }

    /** Settings with every default: table {@code public.rag_chunks}, cosine, dimension from the table. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads every key of {@link #settings()} from {@code config}; unset keys keep their defaults.
     *
     * @throws ConfigurationException naming the key whose value is unusable
     */
    public static PgVectorSettings fromConfig(VectorStoreConfig config) {
        if (config.has(RENAMED_MAX_ATTEMPTS)) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, RENAMED_MAX_ATTEMPTS + " is no longer read. Set "
                    + RETRY.maxRetries().key() + " instead: the retries after the first attempt (attempts minus one; 0"
                    + " disables retrying), as every backend counts them.");
        }
        Builder builder = builder();
        builder.schema = SCHEMA.from(config);
        builder.table = TABLE.from(config);
        builder.idColumn = ID_COLUMN.from(config);
        builder.metadataColumn = METADATA_COLUMN.from(config);
        builder.dimension = DIMENSION.from(config);
        builder.metric = METRIC.from(config);
        builder.namespace = NAMESPACE.from(config);
        builder.embeddingModel = EMBEDDING_MODEL.from(config);
        builder.efSearch = EF_SEARCH.optionalFrom(config).orElse(null);
        builder.targetRecall = TARGET_RECALL.from(config);
        builder.recallSampleRate = RECALL_SAMPLE_RATE.from(config);
        builder.hnswM = HNSW_M.from(config);
        builder.hnswEfConstruction = HNSW_EF_CONSTRUCTION.from(config);
        builder.indexPrecision = INDEX_PRECISION.from(config);
        builder.indexBuildWorkers = INDEX_BUILD_WORKERS.optionalFrom(config).orElse(null);
        builder.indexBuildMemory = INDEX_BUILD_MEMORY.from(config);
        builder.iterativeScan = ITERATIVE_SCAN.optionalFrom(config).orElse(null);
        builder.maxScanTuples = MAX_SCAN_TUPLES.from(config);
        builder.exactFallback = EXACT_FALLBACK.from(config);
        builder.statementTimeout = STATEMENT_TIMEOUT.from(config);
        builder.copyThreshold = COPY_THRESHOLD.from(config);
        builder.deleteMode = DELETE_MODE.from(config);
        builder.retry = RETRY.from(config, RETRY_DEFAULTS);
        builder.poolSize = POOL_SIZE.from(config);
        return builder.build();
    }

    /** The table's schema ({@link #SCHEMA}). */
    public String schema() {
        return schema;
    }

    /** The table ({@link #TABLE}). */
    public String table() {
        return table;
    }

    /** The column holding record ids ({@link #ID_COLUMN}). */
    public String idColumn() {
        return idColumn;
    }

    /** The library's jsonb column for record metadata ({@link #METADATA_COLUMN}). */
    public String metadataColumn() {
        return metadataColumn;
    }

    /** The vector dimension ({@link #DIMENSION}); 0 when it is taken from the table's column. */
    public int dimension() {
        return dimension == null ? 0 : dimension;
    }

    /** The configured dimension, or empty when it is taken from the table. */
    public OptionalInt configuredDimension() {
        return dimension == null ? OptionalInt.empty() : OptionalInt.of(dimension);
    }

    /** The distance metric ({@link #METRIC}). */
    public DistanceMetric metric() {
        return metric;
    }

    /** The namespace a store starts in ({@link #NAMESPACE}). */
    public String namespace() {
        return namespace;
    }

    /** What upserts write to {@code embedding_model} ({@link #EMBEDDING_MODEL}); null for nothing. */
    public String embeddingModel() {
        return embeddingModel;
    }

    /** The embedding model, when configured. */
    public Optional<String> optionalEmbeddingModel() {
        return Optional.ofNullable(embeddingModel);
    }

    /**
     * The HNSW candidate list size per query ({@link #EF_SEARCH}) when no calibration applies: the configured value,
     * else the default. Raised to top-k when smaller.
     */
    public int efSearch() {
        return efSearch != null ? efSearch : EF_SEARCH.defaultValue().orElseThrow();
    }

    /** The ef_search set explicitly (in configuration or code), which wins over a stored calibration; empty when unset. */
    public OptionalInt configuredEfSearch() {
        return efSearch == null ? OptionalInt.empty() : OptionalInt.of(efSearch);
    }

    /** The recall@k searches are calibrated for and watched against ({@link #TARGET_RECALL}). */
    public double targetRecall() {
        return targetRecall;
    }

    /** The share of queries the recall monitor re-runs exactly ({@link #RECALL_SAMPLE_RATE}); 0 when it is off. */
    public double recallSampleRate() {
        return recallSampleRate;
    }

    /** The HNSW graph degree used when the index is built ({@link #HNSW_M}). */
    public int hnswM() {
        return hnswM;
    }

    /** The HNSW build candidate list size ({@link #HNSW_EF_CONSTRUCTION}). */
    public int hnswEfConstruction() {
        return hnswEfConstruction;
    }

    /** What the HNSW index is built on ({@link #INDEX_PRECISION}). */
    public IndexPrecision indexPrecision() {
        return indexPrecision;
    }

    /**
     * How the library's index builds run ({@link #INDEX_BUILD_MEMORY}, {@link #INDEX_BUILD_WORKERS}; workers derived
     * from the server when unset).
     */
    public IndexBuildOptions indexBuild() {
        IndexBuildOptions options = IndexBuildOptions.defaults().withMaintenanceWorkMem(indexBuildMemory);
        return indexBuildWorkers == null ? options : options.withParallelWorkers(indexBuildWorkers);
    }

    /** How filtered HNSW scans continue past ef_search ({@link #ITERATIVE_SCAN}) when no calibration applies. */
    public IterativeScan iterativeScan() {
        return iterativeScan != null ? iterativeScan : ITERATIVE_SCAN.defaultValue().orElseThrow();
    }

    /** The iterative-scan mode set explicitly, which wins over a stored calibration; empty when unset. */
    public Optional<IterativeScan> configuredIterativeScan() {
        return Optional.ofNullable(iterativeScan);
    }

    /** The most tuples an iterative scan visits ({@link #MAX_SCAN_TUPLES}). */
    public int maxScanTuples() {
        return maxScanTuples;
    }

    /** Whether a query whose index scan returned fewer than top-k rows is answered again exactly ({@link #EXACT_FALLBACK}). */
    public boolean exactFallback() {
        return exactFallback;
    }

    /** The per-statement timeout the store sets ({@link #STATEMENT_TIMEOUT}); zero leaves the server's. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** Batches of at least this many records are written with binary COPY ({@link #COPY_THRESHOLD}). */
    public int copyThreshold() {
        return copyThreshold;
    }

    /** What deleting a record does to its row ({@link #DELETE_MODE}). */
    public DeleteMode deleteMode() {
        return deleteMode;
    }

    /** How operations that failed with a retryable error are retried ({@link #RETRY}). */
    public RetryPolicy retry() {
        return retry;
    }

    /** The size of the connection pool the store builds for itself ({@link #POOL_SIZE}). */
    public int poolSize() {
        return poolSize;
    }

    /** {@code schema.table} as written in messages. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** The same settings with another dimension (how a store records the dimension it found in the table). */
    public PgVectorSettings withDimension(int newDimension) {
        return toBuilder().dimension(newDimension).build();
    }

    private List<Object> values() {
        return Arrays.asList(schema, table, idColumn, metadataColumn, dimension, metric, namespace, embeddingModel, efSearch,
                targetRecall, recallSampleRate, hnswM, hnswEfConstruction, indexPrecision, indexBuildWorkers, indexBuildMemory,
                iterativeScan, maxScanTuples, exactFallback,
                statementTimeout, copyThreshold, deleteMode, retry.maxRetries(), retry.initialDelay(), retry.maxDelay(),
                retry.maxDuration(), poolSize);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PgVectorSettings that && values().equals(that.values());
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        return "PgVectorSettings[table=" + qualifiedTable() + ", idColumn=" + idColumn + ", dimension="
                + (dimension == null ? "from the table" : dimension) + ", metric=" + metric.configName() + ", namespace=\""
                + namespace + "\", efSearch=" + (efSearch == null ? "calibrated or " + efSearch() : efSearch) + ", iterativeScan="
                + iterativeScan().sqlValue() + "]";
    }

    private static Setting<String> name(String key, String defaultValue, String description) {
        return Setting.text(key, defaultValue, description).accepting(Identifiers::isPlain, PLAIN_NAME);
    }

    /**
     * Builds {@link PgVectorSettings}. Setters only record their value; {@link #build()} checks them all against the
     * declared settings and names the key of the first that is wrong.
     */
    public static final class Builder {
        private String schema = SCHEMA.defaultValue().orElseThrow();
        private String table = TABLE.defaultValue().orElseThrow();
        private String idColumn = ID_COLUMN.defaultValue().orElseThrow();
        private String metadataColumn = METADATA_COLUMN.defaultValue().orElseThrow();
        private Integer dimension;
        private DistanceMetric metric = METRIC.defaultValue().orElseThrow();
        private String namespace = NAMESPACE.defaultValue().orElseThrow();
        private String embeddingModel;
        private Integer efSearch;
        private double targetRecall = TARGET_RECALL.defaultValue().orElseThrow();
        private double recallSampleRate = RECALL_SAMPLE_RATE.defaultValue().orElseThrow();
        private int hnswM = HNSW_M.defaultValue().orElseThrow();
        private int hnswEfConstruction = HNSW_EF_CONSTRUCTION.defaultValue().orElseThrow();
        private IndexPrecision indexPrecision = INDEX_PRECISION.defaultValue().orElseThrow();
        private Integer indexBuildWorkers;
        private String indexBuildMemory = INDEX_BUILD_MEMORY.defaultValue().orElseThrow();
        private IterativeScan iterativeScan;
        private int maxScanTuples = MAX_SCAN_TUPLES.defaultValue().orElseThrow();
        private boolean exactFallback = EXACT_FALLBACK.defaultValue().orElseThrow();
        private Duration statementTimeout = STATEMENT_TIMEOUT.defaultValue().orElseThrow();
        private int copyThreshold = COPY_THRESHOLD.defaultValue().orElseThrow();
        private DeleteMode deleteMode = DELETE_MODE.defaultValue().orElseThrow();
        private RetryPolicy retry = RETRY_DEFAULTS;
        private int poolSize = POOL_SIZE.defaultValue().orElseThrow();

        private Builder() {
        }

        private Builder(PgVectorSettings settings) {
            schema = settings.schema;
            table = settings.table;
            idColumn = settings.idColumn;
            metadataColumn = settings.metadataColumn;
            dimension = settings.dimension;
            metric = settings.metric;
            namespace = settings.namespace;
            embeddingModel = settings.embeddingModel;
            efSearch = settings.efSearch;
            targetRecall = settings.targetRecall;
            recallSampleRate = settings.recallSampleRate;
            hnswM = settings.hnswM;
            hnswEfConstruction = settings.hnswEfConstruction;
            indexPrecision = settings.indexPrecision;
            indexBuildWorkers = settings.indexBuildWorkers;
            indexBuildMemory = settings.indexBuildMemory;
            iterativeScan = settings.iterativeScan;
            maxScanTuples = settings.maxScanTuples;
            exactFallback = settings.exactFallback;
            statementTimeout = settings.statementTimeout;
            copyThreshold = settings.copyThreshold;
            deleteMode = settings.deleteMode;
            retry = settings.retry;
            poolSize = settings.poolSize;
        }

        /** {@link PgVectorSettings#SCHEMA}. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** {@link PgVectorSettings#TABLE}: a plain, case-sensitive name. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** {@link PgVectorSettings#ID_COLUMN}. */
        public Builder idColumn(String idColumn) {
            this.idColumn = idColumn;
            return this;
        }

        /** {@link PgVectorSettings#METADATA_COLUMN}. */
        public Builder metadataColumn(String metadataColumn) {
            this.metadataColumn = metadataColumn;
            return this;
        }

        /** {@link PgVectorSettings#DIMENSION}; unset, the store takes it from the table's column. */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** {@link PgVectorSettings#METRIC}. */
        public Builder metric(DistanceMetric metric) {
            this.metric = metric;
            return this;
        }

        /** {@link PgVectorSettings#NAMESPACE}. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** {@link PgVectorSettings#EMBEDDING_MODEL}; null for nothing. */
        public Builder embeddingModel(String embeddingModel) {
            this.embeddingModel = embeddingModel;
            return this;
        }

        /** {@link PgVectorSettings#EF_SEARCH}: set, it wins over a stored calibration. */
        public Builder efSearch(int efSearch) {
            this.efSearch = efSearch;
            return this;
        }

        /** {@link PgVectorSettings#RECALL_SAMPLE_RATE}. */
        public Builder recallSampleRate(double recallSampleRate) {
            this.recallSampleRate = recallSampleRate;
            return this;
        }

        /** {@link PgVectorSettings#TARGET_RECALL}. */
        public Builder targetRecall(double targetRecall) {
            this.targetRecall = targetRecall;
            return this;
        }

        /** {@link PgVectorSettings#HNSW_M}. */
        public Builder hnswM(int hnswM) {
            this.hnswM = hnswM;
            return this;
        }

        /** {@link PgVectorSettings#HNSW_EF_CONSTRUCTION}. */
        public Builder hnswEfConstruction(int hnswEfConstruction) {
            this.hnswEfConstruction = hnswEfConstruction;
            return this;
        }

        /** {@link PgVectorSettings#INDEX_PRECISION}. */
        public Builder indexPrecision(IndexPrecision indexPrecision) {
            this.indexPrecision = indexPrecision;
            return this;
        }

        /** {@link PgVectorSettings#INDEX_BUILD_WORKERS}; null derives them from the server. */
        public Builder indexBuildWorkers(Integer indexBuildWorkers) {
            this.indexBuildWorkers = indexBuildWorkers;
            return this;
        }

        /** {@link PgVectorSettings#INDEX_BUILD_MEMORY}, e.g. {@code 2GB}. */
        public Builder indexBuildMemory(String indexBuildMemory) {
            this.indexBuildMemory = indexBuildMemory;
            return this;
        }

        /** {@link PgVectorSettings#ITERATIVE_SCAN}: set, it wins over a stored calibration. */
        public Builder iterativeScan(IterativeScan iterativeScan) {
            this.iterativeScan = iterativeScan;
            return this;
        }

        /** {@link PgVectorSettings#MAX_SCAN_TUPLES}; raised per query to twice top-k when smaller. */
        public Builder maxScanTuples(int maxScanTuples) {
            this.maxScanTuples = maxScanTuples;
            return this;
        }

        /** {@link PgVectorSettings#EXACT_FALLBACK}. */
        public Builder exactFallback(boolean exactFallback) {
            this.exactFallback = exactFallback;
            return this;
        }

        /** {@link PgVectorSettings#STATEMENT_TIMEOUT}; zero keeps the server's. */
        public Builder statementTimeout(Duration statementTimeout) {
            this.statementTimeout = statementTimeout;
            return this;
        }

        /** {@link PgVectorSettings#COPY_THRESHOLD}. */
        public Builder copyThreshold(int copyThreshold) {
            this.copyThreshold = copyThreshold;
            return this;
        }

        /** {@link PgVectorSettings#DELETE_MODE}. */
        public Builder deleteMode(DeleteMode deleteMode) {
            this.deleteMode = deleteMode;
            return this;
        }

        /** {@link PgVectorSettings#RETRY}: how operations that failed with a retryable error are retried. */
        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /** {@link PgVectorSettings#POOL_SIZE}. */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /**
         * The settings.
         *
         * @throws ConfigurationException naming the key of the first value that is not acceptable
         */
        public PgVectorSettings build() {
            return new PgVectorSettings(this);
        }
    }
}
