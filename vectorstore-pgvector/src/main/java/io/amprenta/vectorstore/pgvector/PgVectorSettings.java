package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.internal.Identifiers;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the pgvector backend, its schema manager and its bulk tools need to know about one table: where it is,
 * the vector dimension and metric, search and index tuning, and how writes and deletes behave. Immutable; build
 * with {@link #builder()} or read from configuration with {@link #fromConfig(VectorStoreConfig)}. Every setter
 * validates, and errors name the setting and its configuration key.
 *
 * <p>Connection settings ({@code DATABASE_URL}, the libpq variables) are not part of this record: see
 * {@link PgDataSources}.
 *
 * @param schema the table's schema ({@code PGVECTOR_SCHEMA}, default {@code public})
 * @param table the table ({@code PGVECTOR_TABLE}, default {@code rag_chunks})
 * @param idColumn the text column holding record ids ({@code PGVECTOR_ID_COLUMN}, default {@code id})
 * @param dimension the vector dimension ({@code PGVECTOR_DIMENSION}); 0 means "take it from the table's column"
 * @param metric the distance metric ({@code PGVECTOR_METRIC}, default cosine)
 * @param namespace the namespace a store starts in ({@code PGVECTOR_NAMESPACE}, default {@code ""})
 * @param embeddingModel written to {@code embedding_model} on every upsert ({@code EMBEDDING_MODEL}); null for none
 * @param efSearch the HNSW candidate list size per query ({@code PGVECTOR_EF_SEARCH}); raised to top-k when smaller
 * @param hnswM the HNSW graph degree used when the index is built ({@code PGVECTOR_HNSW_M})
 * @param hnswEfConstruction the HNSW build candidate list size ({@code PGVECTOR_HNSW_EF_CONSTRUCTION})
 * @param iterativeScan how filtered HNSW scans continue past ef_search ({@code PGVECTOR_ITERATIVE_SCAN})
 * @param maxScanTuples the most tuples an iterative scan visits ({@code PGVECTOR_MAX_SCAN_TUPLES})
 * @param exactFallback whether a query whose index scan returned fewer than top-k rows is answered again exactly
 *     ({@code PGVECTOR_EXACT_FALLBACK})
 * @param statementTimeout the per-statement timeout the store sets; {@link Duration#ZERO} leaves the server's
 *     ({@code PGVECTOR_STATEMENT_TIMEOUT})
 * @param copyThreshold batches of at least this many records are written with binary COPY
 *     ({@code PGVECTOR_COPY_THRESHOLD})
 * @param deleteMode what deleting a record does to its row ({@code PGVECTOR_DELETE_MODE})
 * @param maxAttempts how often an operation that failed with a retryable error is tried in all
 *     ({@code PGVECTOR_MAX_ATTEMPTS})
 * @param poolSize the size of the connection pool the store builds for itself ({@code PGVECTOR_POOL_SIZE})
 */
public record PgVectorSettings(String schema, String table, String idColumn, int dimension, DistanceMetric metric,
                               String namespace, String embeddingModel, int efSearch, int hnswM,
                               int hnswEfConstruction, IterativeScan iterativeScan, int maxScanTuples,
                               boolean exactFallback, Duration statementTimeout, int copyThreshold,
                               DeleteMode deleteMode, int maxAttempts, int poolSize) {

    /** The table's schema. */
    public static final String PGVECTOR_SCHEMA = "PGVECTOR_SCHEMA";
    /** The table name. */
    public static final String PGVECTOR_TABLE = "PGVECTOR_TABLE";
    /** The id column's name, for application tables that call it something else. */
    public static final String PGVECTOR_ID_COLUMN = "PGVECTOR_ID_COLUMN";
    /** The vector dimension. */
    public static final String PGVECTOR_DIMENSION = "PGVECTOR_DIMENSION";
    /** The distance metric: cosine, dotproduct or euclidean. */
    public static final String PGVECTOR_METRIC = "PGVECTOR_METRIC";
    /** The store's namespace. */
    public static final String PGVECTOR_NAMESPACE = "PGVECTOR_NAMESPACE";
    /** The embedding model recorded with each vector. */
    public static final String EMBEDDING_MODEL = "EMBEDDING_MODEL";
    /** The HNSW search candidate list size. */
    public static final String PGVECTOR_EF_SEARCH = "PGVECTOR_EF_SEARCH";
    /** The HNSW graph degree. */
    public static final String PGVECTOR_HNSW_M = "PGVECTOR_HNSW_M";
    /** The HNSW build candidate list size. */
    public static final String PGVECTOR_HNSW_EF_CONSTRUCTION = "PGVECTOR_HNSW_EF_CONSTRUCTION";
    /** The iterative index scan mode. */
    public static final String PGVECTOR_ITERATIVE_SCAN = "PGVECTOR_ITERATIVE_SCAN";
    /** The most tuples an iterative scan visits. */
    public static final String PGVECTOR_MAX_SCAN_TUPLES = "PGVECTOR_MAX_SCAN_TUPLES";
    /** Whether short approximate answers are redone exactly. */
    public static final String PGVECTOR_EXACT_FALLBACK = "PGVECTOR_EXACT_FALLBACK";
    /** The statement timeout. */
    public static final String PGVECTOR_STATEMENT_TIMEOUT = "PGVECTOR_STATEMENT_TIMEOUT";
    /** The batch size from which upserts use binary COPY. */
    public static final String PGVECTOR_COPY_THRESHOLD = "PGVECTOR_COPY_THRESHOLD";
    /** What deletes do to rows. */
    public static final String PGVECTOR_DELETE_MODE = "PGVECTOR_DELETE_MODE";
    /** Attempts per operation on retryable errors. */
    public static final String PGVECTOR_MAX_ATTEMPTS = "PGVECTOR_MAX_ATTEMPTS";
    /** The connection pool size. */
    public static final String PGVECTOR_POOL_SIZE = "PGVECTOR_POOL_SIZE";

    /**
     * The default {@code hnsw.ef_search}. pgvector's own default, 40, gives a recall@10 of about 0.84 on real
     * 384-dimensional sentence embeddings; 100 gives at least 0.95 there, unfiltered and with a 10 % filter,
     * for roughly twice the query time of 40 (see docs/pgvector.md, "Tuning").
     */
    public static final int DEFAULT_EF_SEARCH = 100;
    /** pgvector's default graph degree. */
    public static final int DEFAULT_HNSW_M = 16;
    /** pgvector's default build candidate list size. */
    public static final int DEFAULT_HNSW_EF_CONSTRUCTION = 64;
    /** pgvector's default cap on tuples visited by an iterative scan. */
    public static final int DEFAULT_MAX_SCAN_TUPLES = 20_000;
    /** Batches at least this large go through binary COPY; smaller ones through one multi-row INSERT. */
    public static final int DEFAULT_COPY_THRESHOLD = 500;
    /** Attempts per operation: the first and two retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** The pool size when the store builds its own pool. */
    public static final int DEFAULT_POOL_SIZE = 10;

    /** The largest dimension of pgvector's {@code vector} type. */
    public static final int MAX_DIMENSION = 16_000;
    /** The largest {@code hnsw.ef_search} pgvector accepts. */
    public static final int MAX_EF_SEARCH = 1_000;

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

    /** Validates every component; the builder reports errors with setting names, so this is a safety net. */
    public PgVectorSettings {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(iterativeScan, "iterativeScan");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(deleteMode, "deleteMode");
        Identifiers.require(PGVECTOR_SCHEMA, schema);
        Identifiers.require(PGVECTOR_TABLE, table);
        Identifiers.require(PGVECTOR_ID_COLUMN, idColumn);
        checkRange(PGVECTOR_DIMENSION, dimension, 0, MAX_DIMENSION);
        checkRange(PGVECTOR_EF_SEARCH, efSearch, 1, MAX_EF_SEARCH);
        checkRange(PGVECTOR_HNSW_M, hnswM, 2, 100);
        checkRange(PGVECTOR_HNSW_EF_CONSTRUCTION, hnswEfConstruction, 4, 1000);
        if (hnswEfConstruction < 2 * hnswM) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, PGVECTOR_HNSW_EF_CONSTRUCTION + " is "
                    + hnswEfConstruction + " but pgvector needs at least twice " + PGVECTOR_HNSW_M + " (" + hnswM
                    + "), i.e. " + 2 * hnswM + ". Raise it or lower " + PGVECTOR_HNSW_M + ".");
        }
        checkRange(PGVECTOR_MAX_SCAN_TUPLES, maxScanTuples, 1, Integer.MAX_VALUE);
        checkRange(PGVECTOR_COPY_THRESHOLD, copyThreshold, 1, Integer.MAX_VALUE);
        checkRange(PGVECTOR_MAX_ATTEMPTS, maxAttempts, 1, 20);
        checkRange(PGVECTOR_POOL_SIZE, poolSize, 1, 1000);
        if (statementTimeout.isNegative()) {
            throw VectorStoreConfig.invalid(PGVECTOR_STATEMENT_TIMEOUT, statementTimeout.toString(), "a positive duration, or 0 for the server's");
        }
        if (embeddingModel != null && embeddingModel.isBlank()) {
            embeddingModel = null;
        }
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
     * Reads every {@code PGVECTOR_*} key and {@code EMBEDDING_MODEL} from {@code config}; unset keys keep their
     * defaults.
     *
     * @throws ConfigurationException naming the key whose value is unusable
     */
    public static PgVectorSettings fromConfig(VectorStoreConfig config) {
        Builder builder = builder();
        config.get(PGVECTOR_SCHEMA).ifPresent(builder::schema);
        config.get(PGVECTOR_TABLE).ifPresent(builder::table);
        config.get(PGVECTOR_ID_COLUMN).ifPresent(builder::idColumn);
        config.getInt(PGVECTOR_DIMENSION, 1, MAX_DIMENSION).ifPresent(builder::dimension);
        config.get(PGVECTOR_METRIC).ifPresent(value -> builder.metric(DistanceMetric.fromConfig(PGVECTOR_METRIC, value)));
        config.get(PGVECTOR_NAMESPACE).ifPresent(builder::namespace);
        config.get(EMBEDDING_MODEL).ifPresent(builder::embeddingModel);
        config.getInt(PGVECTOR_EF_SEARCH, 1, MAX_EF_SEARCH).ifPresent(builder::efSearch);
        config.getInt(PGVECTOR_HNSW_M, 2, 100).ifPresent(builder::hnswM);
        config.getInt(PGVECTOR_HNSW_EF_CONSTRUCTION, 4, 1000).ifPresent(builder::hnswEfConstruction);
        config.get(PGVECTOR_ITERATIVE_SCAN).ifPresent(value -> builder.iterativeScan(parseEnum(
                PGVECTOR_ITERATIVE_SCAN, value, IterativeScan.class)));
        config.getInt(PGVECTOR_MAX_SCAN_TUPLES, 1, Integer.MAX_VALUE).ifPresent(builder::maxScanTuples);
        builder.exactFallback(config.getBoolean(PGVECTOR_EXACT_FALLBACK, true));
        builder.statementTimeout(config.getDuration(PGVECTOR_STATEMENT_TIMEOUT, Duration.ZERO));
        config.getInt(PGVECTOR_COPY_THRESHOLD, 1, Integer.MAX_VALUE).ifPresent(builder::copyThreshold);
        config.get(PGVECTOR_DELETE_MODE).ifPresent(value -> builder.deleteMode(parseEnum(
                PGVECTOR_DELETE_MODE, value, DeleteMode.class)));
        config.getInt(PGVECTOR_MAX_ATTEMPTS, 1, 20).ifPresent(builder::maxAttempts);
        config.getInt(PGVECTOR_POOL_SIZE, 1, 1000).ifPresent(builder::poolSize);
        return builder.build();
    }

    /** The configured dimension, or empty when it is taken from the table. */
    public OptionalInt configuredDimension() {
        return dimension == 0 ? OptionalInt.empty() : OptionalInt.of(dimension);
    }

    /** The embedding model, when configured. */
    public Optional<String> optionalEmbeddingModel() {
        return Optional.ofNullable(embeddingModel);
    }

    /** {@code schema.table} as written in messages. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** The same settings with another dimension (how a store records the dimension it found in the table). */
    public PgVectorSettings withDimension(int newDimension) {
        return toBuilder().dimension(newDimension).build();
    }

    private static void checkRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw VectorStoreConfig.invalid(key, String.valueOf(value), "an integer from " + min + " to " + max);
        }
    }

    private static <E extends Enum<E>> E parseEnum(String key, String value, Class<E> type) {
        String wanted = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        StringBuilder accepted = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            accepted.append(accepted.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
        }
        throw VectorStoreConfig.invalid(key, value, "one of: " + accepted);
    }

    /** Builds {@link PgVectorSettings}; each setter checks its value and names the setting when it is wrong. */
    public static final class Builder {
        private String schema = "public";
        private String table = "rag_chunks";
        private String idColumn = "id";
        private int dimension;
        private DistanceMetric metric = DistanceMetric.COSINE;
        private String namespace = "";
        private String embeddingModel;
        private int efSearch = DEFAULT_EF_SEARCH;
        private int hnswM = DEFAULT_HNSW_M;
        private int hnswEfConstruction = DEFAULT_HNSW_EF_CONSTRUCTION;
        private IterativeScan iterativeScan = IterativeScan.RELAXED_ORDER;
        private int maxScanTuples = DEFAULT_MAX_SCAN_TUPLES;
        private boolean exactFallback = true;
        private Duration statementTimeout = Duration.ZERO;
        private int copyThreshold = DEFAULT_COPY_THRESHOLD;
        private DeleteMode deleteMode = DeleteMode.AUTO;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private int poolSize = DEFAULT_POOL_SIZE;

        private Builder() {
        }

        private Builder(PgVectorSettings settings) {
            schema = settings.schema;
            table = settings.table;
            idColumn = settings.idColumn;
            dimension = settings.dimension;
            metric = settings.metric;
            namespace = settings.namespace;
            embeddingModel = settings.embeddingModel;
            efSearch = settings.efSearch;
            hnswM = settings.hnswM;
            hnswEfConstruction = settings.hnswEfConstruction;
            iterativeScan = settings.iterativeScan;
            maxScanTuples = settings.maxScanTuples;
            exactFallback = settings.exactFallback;
            statementTimeout = settings.statementTimeout;
            copyThreshold = settings.copyThreshold;
            deleteMode = settings.deleteMode;
            maxAttempts = settings.maxAttempts;
            poolSize = settings.poolSize;
        }

        /** The table's schema (default {@code public}). */
        public Builder schema(String schema) {
            this.schema = Identifiers.require(PGVECTOR_SCHEMA, schema);
            return this;
        }

        /** The table (default {@code rag_chunks}); a plain, case-sensitive name. */
        public Builder table(String table) {
            this.table = Identifiers.require(PGVECTOR_TABLE, table);
            return this;
        }

        /** The text column holding ids (default {@code id}). */
        public Builder idColumn(String idColumn) {
            this.idColumn = Identifiers.require(PGVECTOR_ID_COLUMN, idColumn);
            return this;
        }

        /** The vector dimension, 1 to 16000; unset, the store takes it from the table's column. */
        public Builder dimension(int dimension) {
            checkRange(PGVECTOR_DIMENSION, dimension, 1, MAX_DIMENSION);
            this.dimension = dimension;
            return this;
        }

        /** The distance metric (default cosine). */
        public Builder metric(DistanceMetric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /** The namespace the store starts in (default {@code ""}). */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** What upserts write into {@code embedding_model}; null for nothing. */
        public Builder embeddingModel(String embeddingModel) {
            this.embeddingModel = embeddingModel;
            return this;
        }

        /** The HNSW candidate list size per query, 1 to 1000 (default {@value #DEFAULT_EF_SEARCH}). */
        public Builder efSearch(int efSearch) {
            checkRange(PGVECTOR_EF_SEARCH, efSearch, 1, MAX_EF_SEARCH);
            this.efSearch = efSearch;
            return this;
        }

        /** The HNSW graph degree used when building the index, 2 to 100 (default 16). */
        public Builder hnswM(int hnswM) {
            checkRange(PGVECTOR_HNSW_M, hnswM, 2, 100);
            this.hnswM = hnswM;
            return this;
        }

        /** The HNSW build candidate list size, 4 to 1000 and at least twice m (default 64). */
        public Builder hnswEfConstruction(int hnswEfConstruction) {
            checkRange(PGVECTOR_HNSW_EF_CONSTRUCTION, hnswEfConstruction, 4, 1000);
            this.hnswEfConstruction = hnswEfConstruction;
            return this;
        }

        /** How scans continue past ef_search (default relaxed order, re-ordered by the store). */
        public Builder iterativeScan(IterativeScan iterativeScan) {
            this.iterativeScan = Objects.requireNonNull(iterativeScan, "iterativeScan");
            return this;
        }

        /** The most tuples an iterative scan visits (default 20000); raised per query to twice top-k when smaller. */
        public Builder maxScanTuples(int maxScanTuples) {
            checkRange(PGVECTOR_MAX_SCAN_TUPLES, maxScanTuples, 1, Integer.MAX_VALUE);
            this.maxScanTuples = maxScanTuples;
            return this;
        }

        /** Whether a query whose index scan returned fewer than top-k rows is answered again exactly (default true). */
        public Builder exactFallback(boolean exactFallback) {
            this.exactFallback = exactFallback;
            return this;
        }

        /** The statement timeout the store sets on its statements; zero (default) keeps the server's. */
        public Builder statementTimeout(Duration statementTimeout) {
            Objects.requireNonNull(statementTimeout, "statementTimeout");
            if (statementTimeout.isNegative()) {
                throw VectorStoreConfig.invalid(PGVECTOR_STATEMENT_TIMEOUT, statementTimeout.toString(),
                        "a positive duration, or 0 for the server's");
            }
            this.statementTimeout = statementTimeout;
            return this;
        }

        /** Batches of at least this many records are written with binary COPY (default {@value #DEFAULT_COPY_THRESHOLD}). */
        public Builder copyThreshold(int copyThreshold) {
            checkRange(PGVECTOR_COPY_THRESHOLD, copyThreshold, 1, Integer.MAX_VALUE);
            this.copyThreshold = copyThreshold;
            return this;
        }

        /** What deletes do to rows (default {@link DeleteMode#AUTO}). */
        public Builder deleteMode(DeleteMode deleteMode) {
            this.deleteMode = Objects.requireNonNull(deleteMode, "deleteMode");
            return this;
        }

        /** Attempts per operation on retryable errors, 1 (no retry) to 20 (default 3). */
        public Builder maxAttempts(int maxAttempts) {
            checkRange(PGVECTOR_MAX_ATTEMPTS, maxAttempts, 1, 20);
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The size of the pool the store builds when it is not given a DataSource (default 10). */
        public Builder poolSize(int poolSize) {
            checkRange(PGVECTOR_POOL_SIZE, poolSize, 1, 1000);
            this.poolSize = poolSize;
            return this;
        }

        /** The settings. */
        public PgVectorSettings build() {
            return new PgVectorSettings(schema, table, idColumn, dimension, metric, namespace, embeddingModel, efSearch,
                    hnswM, hnswEfConstruction, iterativeScan, maxScanTuples, exactFallback, statementTimeout,
                    copyThreshold, deleteMode, maxAttempts, poolSize);
        }
    }
}
