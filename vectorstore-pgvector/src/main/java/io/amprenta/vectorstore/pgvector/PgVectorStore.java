package io.amprenta.vectorstore.pgvector;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.internal.Catalog;
import io.amprenta.vectorstore.pgvector.internal.PgVectorBackend;
import io.amprenta.vectorstore.pgvector.internal.Searcher;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import io.amprenta.vectorstore.pgvector.internal.TableLayout;
import io.amprenta.vectorstore.pgvector.internal.TableNames;
import io.amprenta.vectorstore.spi.BackendVectorStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

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
 */
public final class PgVectorStore {

    private PgVectorStore() {
    }

    /** Starts configuring a store. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a pgvector store; {@link #build()} connects, checks the table and creates the store. */
    public static final class Builder {
        private DataSource dataSource;
        private VectorStoreConfig connectionConfig;
        private PgVectorSettings.Builder settings = PgVectorSettings.builder();

        private Builder() {
        }

        /** Use the application's DataSource (a pool, ideally); the store does not close it. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.connectionConfig = null;
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
            // The store's own pool starts every session with the scan settings, so queries need not set them.
            Map<String, String> sessionDefaults = dataSource == null ? Searcher.sessionDefaults(requested) : Map.of();
            HikariDataSource ownedPool = dataSource == null
                    ? PgDataSources.create(connectionConfig, requested.poolSize(), sessionDefaults) : null;
            DataSource source = ownedPool != null ? ownedPool : dataSource;
            try {
                TableNames names = TableNames.of(requested);
                TableLayout layout = PgVectorBackend.retryPolicy(requested.maxAttempts()).execute(
                        "Checking " + names.display(), () -> inspect(source, requested, names));
                PgVectorSettings actual = requested.withDimension(layout.vector().dimension());
                return new PgVectorTable(source, ownedPool, actual, layout, sessionDefaults);
            } catch (RuntimeException e) {
                if (ownedPool != null) {
                    ownedPool.close();
                }
                throw e;
            }
        }

        private static TableLayout inspect(DataSource source, PgVectorSettings settings, TableNames names) {
            try (Connection connection = source.getConnection()) {
                return TableLayout.validate(Catalog.read(connection, names), settings);
            } catch (SQLException e) {
                throw SqlErrors.translate(e, "Checking the table " + names.display(), names);
            }
        }
    }
}
