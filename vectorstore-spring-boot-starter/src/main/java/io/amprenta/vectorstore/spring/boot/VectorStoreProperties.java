package io.amprenta.vectorstore.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The starter's own settings under {@code vectorstore.*}. The backend's settings are the library's configuration keys,
 * taken from the environment as they are ({@code VECTOR_BACKEND}, {@code DATABASE_URL}, {@code PINECONE_API_KEY}, ...)
 * or written as properties: {@code vectorstore.backend} is {@code VECTOR_BACKEND}, {@code vectorstore.database-url} is
 * {@code DATABASE_URL}, {@code vectorstore.pg.host} is {@code PGHOST}, and any other {@code vectorstore.<group>.<name>}
 * is {@code <GROUP>_<NAME>} ({@code vectorstore.pgvector.table} is {@code PGVECTOR_TABLE},
 * {@code vectorstore.pinecone.api-key} is {@code PINECONE_API_KEY}). Where a key is set in several places, the
 * property source Spring ranks higher wins, so an environment variable overrides {@code application.yml}.
 */
@ConfigurationProperties(prefix = "vectorstore")
public class VectorStoreProperties {

    /** Whether to create the VectorStore bean and the beans built on it. */
    private boolean enabled = true;

    /** The backend: pinecone (default), pgvector, memory or dual; the same as VECTOR_BACKEND. */
    private String backend;

    private final Pgvector pgvector = new Pgvector();
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();
    private final LangChain4j langchain4j = new LangChain4j();
    private final SpringAi springAi = new SpringAi();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public Pgvector getPgvector() {
        return pgvector;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Health getHealth() {
        return health;
    }

    public LangChain4j getLangchain4j() {
        return langchain4j;
    }

    public SpringAi getSpringAi() {
        return springAi;
    }

    /** How the pgvector backend is connected. Its other settings are the PGVECTOR_* keys (vectorstore.pgvector.*). */
    public static class Pgvector {

        /**
         * Whether the pgvector backend uses the application's DataSource bean, when there is exactly one, rather than a
         * pool of its own built from DATABASE_URL or the PG* keys.
         */
        private boolean useDataSource = true;

        /**
         * Whether to run the schema upgrade (the vector extension, the library's columns, the HNSW index) at startup;
         * idempotent. PGVECTOR_DIMENSION must be set when the table has no vector column yet. Off by default: most
         * teams run `vectorstore schema upgrade` or its SQL in their migrations.
         */
        private boolean initializeSchema;

        public boolean isUseDataSource() {
            return useDataSource;
        }

        public void setUseDataSource(boolean useDataSource) {
            this.useDataSource = useDataSource;
        }

        public boolean isInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(boolean initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /** Operation metrics (vectorstore.operation, vectorstore.rows, vectorstore.errors) when a MeterRegistry exists. */
    public static class Metrics {

        /** Whether to publish operation metrics to the application's MeterRegistry. */
        private boolean enabled = true;

        /** Whether metrics carry a namespace tag; turn off with one namespace per tenant to bound the time series. */
        private boolean namespaceTag = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isNamespaceTag() {
            return namespaceTag;
        }

        public void setNamespaceTag(boolean namespaceTag) {
            this.namespaceTag = namespaceTag;
        }
    }

    /** The Actuator health indicator "vectorstore" (management.health.vectorstore.enabled turns it off). */
    public static class Health {

        /** How long the canary search may take before the store is reported DOWN. */
        private Duration timeout = Duration.ofSeconds(10);

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** The LangChain4j EmbeddingStore bean, when langchain4j-core and vectorstore-langchain4j are present. */
    public static class LangChain4j {

        /** Whether to create the EmbeddingStore bean. */
        private boolean enabled = true;

        /** The namespace it reads and writes; LangChain4j's Pinecone store uses "default". Empty: the store's own. */
        private String namespace = "default";

        /** The metadata key holding a segment's text, as LangChain4j's Pinecone store writes it. */
        private String textKey = "text_segment";

        /** Whether Long metadata values a double cannot hold keep their exact value (an extra metadata entry). */
        private boolean exactLongs = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public String getTextKey() {
            return textKey;
        }

        public void setTextKey(String textKey) {
            this.textKey = textKey;
        }

        public boolean isExactLongs() {
            return exactLongs;
        }

        public void setExactLongs(boolean exactLongs) {
            this.exactLongs = exactLongs;
        }
    }

    /** The Spring AI VectorStore bean, when spring-ai-vector-store, vectorstore-spring-ai and an EmbeddingModel are present. */
    public static class SpringAi {

        /** Whether to create the Spring AI VectorStore bean. */
        private boolean enabled = true;

        /** The namespace it reads and writes; empty: the store's own ("" unless configured), as Spring AI's Pinecone store. */
        private String namespace;

        /** The metadata key holding a document's text, as Spring AI's Pinecone store writes it. */
        private String contentField = "document_content";

        /** The metadata entry a match's distance (1 - score) goes in. */
        private String distanceField = "distance";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public String getContentField() {
            return contentField;
        }

        public void setContentField(String contentField) {
            this.contentField = contentField;
        }

        public String getDistanceField() {
            return distanceField;
        }

        public void setDistanceField(String distanceField) {
            this.distanceField = distanceField;
        }
    }
}
