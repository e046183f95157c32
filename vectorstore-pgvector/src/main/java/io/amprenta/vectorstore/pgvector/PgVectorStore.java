package io.amprenta.vectorstore.pgvector;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.spi.BackendVectorStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link VectorStore}s over a PostgreSQL table with pgvector.
 *
 * <pre>{@code
 * VectorStore store = PgVectorStore.builder()
 *         .dataSource(dataSource)                 // or .config(VectorStoreConfig.fromEnvironment())
 *         .table("rag_chunks").dimension(384).metric(DistanceMetric.COSINE)
 *         .build();
 * }</pre>
 *
 * <p>The table must have been prepared by {@link SchemaManager#upgrade()} (or the SQL of {@link SchemaManager#sql});
 * {@link Builder#build()} checks it and fails with an error naming what is missing. A store built on a given
 * {@code DataSource} leaves it open when closed; one built from configuration owns its HikariCP pool and closes it.
 * {@code store.unwrap(DataSource.class)} returns the DataSource, {@code store.unwrap(PgVectorTable.class)} the bulk
 * operations.
 *
 * <p>Reads (queries, fetch, listing, stats) can go to streaming replicas: from configuration
 * ({@code PGVECTOR_READ_REPLICA_URLS}, or a multi-host {@code DATABASE_URL} asking for a standby), or from an
 * application's DataSource given to {@link Builder#readReplicas(DataSource)}. Writes, schema checks and the bulk
 * operations stay on the primary.
 */
public final class PgVectorStore {

    private static final Logger LOG = LoggerFactory.getLogger(PgVectorStore.class);

    private PgVectorStore() {
    }

    /** Starts configuring a store. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The value of the {@code options} connection property (PgJDBC; {@code PGOPTIONS} for libpq) with which an
     * application's pool can start every session with the store's scan settings, for
     * {@link Builder#sessionSettingsPreset()}: e.g. {@code -c hnsw.ef_search=100 -c hnsw.iterative_scan=relaxed_order
     * -c hnsw.max_scan_tuples=20000}. They then apply to the pool's other vector queries too.
     */
    public static String sessionOptions(PgVectorSettings settings) {
        return Searcher.startupOptions(Searcher.sessionDefaults(settings));
    }

    /** Configures a pgvector store; {@link #build()} connects, checks the table and creates the store. */
    public static final class Builder {
        private DataSource dataSource;
        private boolean sessionSettingsPreset;
        private VectorStoreConfig connectionConfig;
        private PgVectorSettings.Builder settings = PgVectorSettings.builder();
        private DataSource readDataSource;
        private PgDataSources.ReadYourWrites readYourWrites = PgDataSources.READ_YOUR_WRITES.defaultValue().orElseThrow();
        private Duration readYourWritesWait = PgDataSources.READ_YOUR_WRITES_WAIT.defaultValue().orElseThrow();

        private Builder() {
        }

        /** Use the application's DataSource (a pool, ideally); the store does not close it. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.connectionConfig = null;
            return this;
        }

        /**
         * Declares that every connection of the {@link #dataSource(DataSource) DataSource} starts its session with
         * {@link PgVectorStore#sessionOptions(PgVectorSettings)} (the pool's {@code options} connection property), so
         * queries need not send their scan settings each time; {@link #build()} checks that a connection has them.
         * Without it, each query sets them for its own transaction, which costs a second statement per query.
         */
        public Builder sessionSettingsPreset() {
            this.sessionSettingsPreset = true;
            return this;
        }

        /**
         * Connect with {@code DATABASE_URL} or the libpq variables from {@code config} through a HikariCP pool the
         * store owns, and take every {@code PGVECTOR_*} setting and {@code EMBEDDING_MODEL} from it.
         */
        public Builder config(VectorStoreConfig config) {
            this.connectionConfig = Objects.requireNonNull(config, "config");
            this.dataSource = null;
            this.settings = PgVectorSettings.fromConfig(config).toBuilder();
            this.readYourWrites = PgDataSources.READ_YOUR_WRITES.from(config);
            this.readYourWritesWait = PgDataSources.READ_YOUR_WRITES_WAIT.from(config);
            return this;
        }

        /**
         * Run queries, fetch, listing and stats on {@code replicas}, the application's DataSource over streaming
         * replicas of the primary (e.g. a pool over a PgJDBC URL with {@code targetServerType=preferSecondary}); the
         * store does not close it. A read that fails on it is answered by the primary. Overrides replicas named in
         * the configuration.
         */
        public Builder readReplicas(DataSource replicas) {
            this.readDataSource = Objects.requireNonNull(replicas, "replicas");
            return this;
        }

        /**
         * What a read does after this store wrote, when reads go to replicas ({@code PGVECTOR_READ_YOUR_WRITES},
         * {@code PGVECTOR_READ_YOUR_WRITES_WAIT}).
         *
         * @param wait how long a read waits for the replica in {@link PgDataSources.ReadYourWrites#WAIT} mode
         */
        public Builder readYourWrites(PgDataSources.ReadYourWrites mode, Duration wait) {
            this.readYourWrites = Objects.requireNonNull(mode, "mode");
            this.readYourWritesWait = PgDataSources.READ_YOUR_WRITES_WAIT.check(Objects.requireNonNull(wait, "wait"));
            return this;
        }

        /** Replaces all settings. */
        public Builder settings(PgVectorSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings").toBuilder();
            return this;
        }

        /** Adjusts settings, e.g. {@code .tune(s -> s.efSearch(200))}. */
        public Builder tune(UnaryOperator<PgVectorSettings.Builder> adjustment) {
            this.settings = adjustment.apply(settings);
            return this;
        }

        /** The table's schema (default {@code public}). */
        public Builder schema(String schema) {
            settings.schema(schema);
            return this;
        }

        /** The table (default {@code rag_chunks}). */
        public Builder table(String table) {
            settings.table(table);
            return this;
        }

        /** The dimension; checked against the table's column (unset: taken from it). */
        public Builder dimension(int dimension) {
            settings.dimension(dimension);
            return this;
        }

        /** The distance metric (default cosine). */
        public Builder metric(DistanceMetric metric) {
            settings.metric(metric);
            return this;
        }

        /** The namespace the store starts in (default {@code ""}). */
        public Builder namespace(String namespace) {
            settings.namespace(namespace);
            return this;
        }

        /** What upserts record in {@code embedding_model}. */
        public Builder embeddingModel(String embeddingModel) {
            settings.embeddingModel(embeddingModel);
            return this;
        }

        /**
         * The store.
         *
         * @throws io.amprenta.vectorstore.ConfigurationException when the connection settings are missing, or the
         *     table is missing, lacks a column, has a column of the wrong type or another dimension
         * @throws io.amprenta.vectorstore.UnavailableException when the database cannot be reached
         */
        public VectorStore build() {
            PgVectorTable table = buildTable();
            return BackendVectorStore.of(table.backend(), table.settings().namespace());
        }

        /** The bulk-operations view of the table, without a store. */
        PgVectorTable buildTable() {
            if (dataSource == null && connectionConfig == null) {
                throw new IllegalStateException("Give the builder a dataSource(...) or a config(...) to connect with.");
            }
            PgVectorSettings requested = settings.build();
            TableNames names = TableNames.of(requested);
            // The store's own pool starts every session with the scan settings, so queries need not set them.
            Map<String, String> configured = Searcher.sessionDefaults(requested);
            OwnPool own = dataSource == null ? ownPool(requested, configured) : null;
            Map<String, String> wanted = configured;
            if (own != null && own.withSessionSettings) {
                // With a calibration stored, sessions start with it instead, or every query would carry a prologue.
                Map<String, String> calibrated;
                try {
                    calibrated = calibratedSessionDefaults(own.pool, requested, configured);
                } catch (RuntimeException e) {
                    own.pool.close();
                    throw e;
                }
                if (!calibrated.equals(configured)) {
                    own.pool.close();
                    own = ownPool(requested, calibrated);
                    wanted = own.withSessionSettings ? calibrated : configured;
                }
            }
            Map<String, String> sessionWanted = wanted;
            HikariDataSource ownedPool = own == null ? null : own.pool;
            DataSource source = ownedPool != null ? ownedPool : dataSource;
            boolean presetSessions = own != null ? own.withSessionSettings : sessionSettingsPreset;
            ReadReplicas.Setup replicas = ReadReplicas.Setup.none();
            try {
                replicas = readSetup(requested, presetSessions ? wanted : Map.of());
                Database database = new Database(source, PgVectorBackend.retryPolicy(requested.retry()), Duration.ZERO,
                        Map.of(), names.display());
                Inspection inspection = database.withConnection("Checking the table " + names.display(), connection ->
                        inspect(connection, requested, presetSessions ? sessionWanted : Map.of()));
                Map<String, String> sessionDefaults = presetSessions ? sessionWanted : Map.of();
                if (inspection.sessionProblem != null) {
                    if (ownedPool == null) {
                        throw new ConfigurationException(ErrorCode.INVALID_SETTING, inspection.sessionProblem
                                + " Leave out sessionSettingsPreset() so that queries set them themselves.");
                    }
                    // E.g. a connection pooler that drops startup options: fall back to settings per query.
                    LOG.warn("{} Queries of {} will set them themselves.", inspection.sessionProblem, names.display());
                    sessionDefaults = Map.of();
                }
                PgVectorSettings actual = requested.withDimension(inspection.layout.vector().dimension());
                return new PgVectorTable(source, ownedPool, actual, inspection.layout, sessionDefaults, replicas);
            } catch (RuntimeException e) {
                closeQuietly(replicas.ownedPool(), e);
                if (ownedPool != null) {
                    ownedPool.close();
                }
                throw e;
            }
        }

        // The read pool starts its sessions like the primary's, so the searcher's session defaults hold for both.
        private ReadReplicas.Setup readSetup(PgVectorSettings settings, Map<String, String> sessionSettings) {
            if (readDataSource != null) {
                return new ReadReplicas.Setup(readDataSource, null, List.of(new ReadReplicas.Probe(
                        "the read replicas' DataSource", readDataSource)), readYourWrites, readYourWritesWait);
            }
            if (connectionConfig == null) {
                return ReadReplicas.Setup.none();
            }
            HikariDataSource pool = PgDataSources.createReadPool(connectionConfig, settings.poolSize(), sessionSettings)
                    .orElse(null);
            return pool == null ? ReadReplicas.Setup.none() : new ReadReplicas.Setup(pool, pool,
                    PgDataSources.replicaProbes(connectionConfig), readYourWrites, readYourWritesWait);
        }

        private static void closeQuietly(AutoCloseable pool, RuntimeException failure) {
            if (pool != null) {
                try {
                    pool.close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
        }

        // The session defaults with the stored calibration's ef_search and iterative scan for unfiltered queries
        // (ARCHITECTURE.md, "The query path"); a re-calibration later reaches queries through their prologue.
        private static Map<String, String> calibratedSessionDefaults(DataSource pool, PgVectorSettings settings,
                                                                     Map<String, String> defaults) {
            Database database = new Database(pool, PgVectorBackend.retryPolicy(settings.retry()), Duration.ZERO, Map.of(),
                    TableNames.of(settings).display());
            Calibrations.Tuning tuning = database.withConnection("Reading the search calibration of "
                    + TableNames.of(settings).display(), connection -> new Calibrations(TableNames.of(settings), settings,
                    Duration.ZERO).tuning(connection, false));
            Map<String, String> calibrated = new LinkedHashMap<>(defaults);
            calibrated.put("hnsw.ef_search", String.valueOf(tuning.efSearch()));
            calibrated.put("hnsw.iterative_scan", tuning.iterativeScan().sqlValue());
            return calibrated;
        }

        // A pooler (PgBouncer) may refuse startup options; then the pool goes without them.
        private OwnPool ownPool(PgVectorSettings settings, Map<String, String> sessionSettings) {
            try {
                return new OwnPool(PgDataSources.create(connectionConfig, settings.poolSize(), sessionSettings), true);
            } catch (VectorStoreException e) {
                if (!String.valueOf(e.getMessage()).contains("startup parameter")) {
                    throw e;
                }
                LOG.warn("The server refused the startup options that carry the scan settings ({}); queries will set them"
                        + " themselves.", e.problem());
                return new OwnPool(PgDataSources.create(connectionConfig, settings.poolSize(), Map.of()), false);
            }
        }

        // Sessions that should start with the scan settings must really do so, or queries would silently run with
        // pgvector's defaults. Durations are compared in milliseconds, as pg_settings keeps them.
        private static String sessionProblem(Connection connection, Map<String, String> expected) throws SQLException {
            for (Map.Entry<String, String> setting : expected.entrySet()) {
                boolean duration = setting.getValue().endsWith("ms");
                String wanted = duration ? setting.getValue().substring(0, setting.getValue().length() - 2) : setting.getValue();
                String actual = Jdbc.first(connection, Jdbc.Statement.of(duration
                        ? "SELECT setting FROM pg_settings WHERE name = ?" : "SELECT current_setting(?, true)",
                        setting.getKey()), row -> row.getString(1)).orElse(null);
                if (!wanted.equals(actual)) {
                    return "Sessions start with " + setting.getKey() + " = " + actual + " but the store expects "
                            + setting.getValue() + " (connection property options = \""
                            + Searcher.startupOptions(expected) + "\").";
                }
            }
            return null;
        }

        private static Inspection inspect(Connection connection, PgVectorSettings settings,
                                          Map<String, String> sessionDefaults) throws SQLException {
            String problem = sessionProblem(connection, sessionDefaults);
            TableNames names = TableNames.of(settings);
            return new Inspection(TableLayout.validate(Catalog.read(connection, names), settings,
                    ShardLayout.read(connection, names)), problem);
        }

        private record Inspection(TableLayout layout, String sessionProblem) {
        }

        private record OwnPool(HikariDataSource pool, boolean withSessionSettings) {
        }
    }
}
