package io.amprenta.vectorstore.spring.boot;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.micrometer.MicrometerOperationListener;
import io.amprenta.vectorstore.observe.ObservedVectorStore;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Creates the application's {@link VectorStore} from its configuration: the backend {@code VECTOR_BACKEND} (or
 * {@code vectorstore.backend}) names, configured by the library's keys from the environment or {@code vectorstore.*}
 * properties (see {@link VectorStoreProperties}). For pgvector it uses the application's {@link DataSource} bean when
 * there is one; with a {@link MeterRegistry} it publishes operation metrics; with Actuator it adds the health indicator
 * {@code vectorstore}. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnProperty(prefix = "vectorstore", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(VectorStoreProperties.class)
public class VectorStoreAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(VectorStoreAutoConfiguration.class);

    /** The store; closed with the application context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public VectorStore vectorStore(ConfigurableEnvironment environment, VectorStoreProperties properties,
                                   ObjectProvider<DataSource> dataSources, ObjectProvider<MeterRegistry> meterRegistries) {
        Map<String, String> keys = new HashMap<>(ConfigurationKeys.resolve(environment));
        VectorStoreConfig config = VectorStoreConfig.of(keys);
        // The key by name: the backend itself is chosen by VectorStores, which applies the same default (pinecone).
        String backend = config.get("VECTOR_BACKEND", "pinecone");
        VectorStore store;
        if ("pgvector".equals(backend)) {
            DataSource dataSource = properties.getPgvector().isUseDataSource() ? dataSources.getIfUnique() : null;
            store = pgvector(config, dataSource, properties.getPgvector().isInitializeSchema());
        } else {
            store = VectorStores.get(config);
        }
        MeterRegistry registry = properties.getMetrics().isEnabled() ? meterRegistries.getIfUnique() : null;
        if (registry == null) {
            return store;
        }
        MicrometerOperationListener listener = new MicrometerOperationListener(registry);
        return ObservedVectorStore.wrap(store, properties.getMetrics().isNamespaceTag() ? listener : listener.withoutNamespaceTag());
    }

    private static VectorStore pgvector(VectorStoreConfig config, DataSource dataSource, boolean initializeSchema) {
        PgVectorSettings settings = PgVectorSettings.fromConfig(config);
        if (dataSource == null) {
            if (initializeSchema) {
                try (var pool = PgDataSources.create(config, 1)) {
                    SchemaManager.create(pool, settings).upgrade();
                }
            }
            return VectorStores.get(config);
        }
        if (PgDataSources.READ_REPLICA_URLS.optionalFrom(config).filter(urls -> !urls.isBlank()).isPresent()) {
            // Replica URLs are routed against DATABASE_URL's primary, which the application's DataSource is not
            // known to be: refusing beats quietly sending every read to the primary.
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, PgDataSources.READ_REPLICA_URLS.key()
                    + " is set, but the pgvector store uses the application's DataSource bean, to which the replicas"
                    + " cannot be added. Set vectorstore.pgvector.use-data-source=false, so that the store opens its own"
                    + " pools from DATABASE_URL and the replica URLs, or declare your own VectorStore bean built with"
                    + " PgVectorStore.builder().dataSource(...).readReplicas(yourReplicaDataSource).");
        }
        LOG.info("The pgvector store uses the application's DataSource (vectorstore.pgvector.use-data-source=false for a pool of its own)");
        if (initializeSchema) {
            SchemaManager.create(dataSource, settings).upgrade();
        }
        return PgVectorStore.builder().settings(settings).dataSource(dataSource).build();
    }
}
