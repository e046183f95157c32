package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.spi.BackendVectorStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link VectorStore}s over a Pinecone index, for applications that configure in code rather
 * than through {@code PINECONE_*} variables ({@link io.amprenta.vectorstore.VectorStores#get()} covers
 * those).
 *
 * <pre>{@code
 * VectorStore store = PineconeVectorStore.builder()
 *         .apiKey(System.getenv("PINECONE_API_KEY"))
 *         .indexName("docs")                                  // or .indexHost("docs-abc123.svc....pinecone.io")
 *         .onRetry((operation, attempt, failure, delay) -> throttled.increment())
 *         .build();
 * }</pre>
 *
 * <p>{@link Builder#build()} finds the index once (its host and, from Pinecone, its dimension and
 * metric) and opens one gRPC connection that the store and its namespace views share; close the store to
 * release it. Unwrap the store to {@code io.pinecone.clients.Index} for operations this API does not
 * cover; that {@code Index} shares the store's connection, so do not close it.
 */
public final class PineconeVectorStore {

    private static final Logger LOG = LoggerFactory.getLogger(PineconeVectorStore.class);

    private PineconeVectorStore() {
    }

    /** A builder with the defaults; set at least the API key and the index name or host. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset from the {@code PINECONE_*} keys of {@code config}, which its setters can override. */
    public static Builder builder(VectorStoreConfig config) {
        return new Builder().settings(PineconeSettings.fromConfig(config));
    }

    /** Configures a Pinecone store; setters take effect in {@link #build()}, which validates everything. */
    public static final class Builder {
        private String apiKey;
        private String indexName;
        private String indexHost;
        private String controlPlaneUrl = PineconeSettings.CONTROL_PLANE_URL.defaultValue().orElseThrow();
        private boolean tls = PineconeSettings.TLS.defaultValue().orElseThrow();
        private String namespace = PineconeSettings.NAMESPACE.defaultValue().orElseThrow();
        private DistanceMetric metric;
        private Duration requestTimeout = PineconeSettings.TIMEOUT.defaultValue().orElseThrow();
        private RetryPolicy retry = PineconeSettings.RETRY_DEFAULTS;
        private RetryPolicy.RetryListener retryListener;

        private Builder() {
        }

        private Builder settings(PineconeSettings settings) {
            apiKey = settings.apiKey();
            indexName = settings.indexName().orElse(null);
            indexHost = settings.indexHost().orElse(null);
            controlPlaneUrl = settings.controlPlaneUrl();
            tls = settings.tls();
            namespace = settings.namespace();
            metric = settings.metric().orElse(null);
            requestTimeout = settings.requestTimeout();
            retry = settings.retry();
            return this;
        }

        /** The API key ({@code PINECONE_API_KEY}). Required. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The index's name ({@code PINECONE_INDEX_NAME}); its host is looked up once at build time. */
        public Builder indexName(String indexName) {
            this.indexName = indexName;
            return this;
        }

        /** The index's host ({@code PINECONE_INDEX_HOST}), which skips the lookup; takes precedence over the name. */
        public Builder indexHost(String indexHost) {
            this.indexHost = indexHost;
            return this;
        }

        /** The control plane's base URL ({@code PINECONE_CONTROL_PLANE_URL}, default {@code https://api.pinecone.io}). */
        public Builder controlPlaneUrl(String controlPlaneUrl) {
            this.controlPlaneUrl = controlPlaneUrl;
            return this;
        }

        /** Whether the data plane uses TLS ({@code PINECONE_TLS}, default true). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** The namespace the store starts in ({@code PINECONE_NAMESPACE}, default {@code ""}). */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** The metric the index must have ({@code PINECONE_METRIC}); the store refuses to start on a mismatch. */
        public Builder metric(DistanceMetric metric) {
            this.metric = metric;
            return this;
        }

        /** The deadline of each request ({@code PINECONE_TIMEOUT}, default 30s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Retries of a throttled, unavailable or timed-out request ({@code PINECONE_MAX_RETRIES}, default 5); 0 disables. */
        public Builder maxRetries(int maxRetries) {
            this.retry = retry.toBuilder().maxRetries(PineconeSettings.RETRY.maxRetries().check(maxRetries)).build();
            return this;
        }

        /**
         * Told about every retry before its wait: the operation, the attempt that failed, the failure (a
         * {@link io.amprenta.vectorstore.RateLimitedException} for each 429) and the delay. How a copier
         * sees throttling and slows its pace. Called on the thread that made the request, also when the
         * retries follow a {@link #retryPolicy caller's policy}.
         */
        public Builder onRetry(RetryPolicy.RetryListener listener) {
            this.retryListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How throttled, unavailable or timed-out requests are retried (the {@code PINECONE_MAX_RETRIES} and
         * {@code PINECONE_RETRY_*} keys), e.g. a policy shared by several stores, or {@link RetryPolicy#none()} for a
         * caller that retries itself.
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retry = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The validated settings this builder describes, without connecting. */
        public PineconeSettings settings() {
            return new PineconeSettings(apiKey, Optional.ofNullable(indexName), Optional.ofNullable(indexHost),
                    controlPlaneUrl, tls, namespace, Optional.ofNullable(metric), requestTimeout, retry);
        }

        /**
         * Validates the settings, finds the index and connects.
         *
         * @throws io.amprenta.vectorstore.ConfigurationException naming the setting that is missing or wrong
         * @throws io.amprenta.vectorstore.AuthenticationException when Pinecone rejects the API key
         * @throws io.amprenta.vectorstore.VectorStoreException with {@code INDEX_NOT_FOUND} when there is no such index
         */
        public VectorStore build() {
            PineconeSettings settings = settings();
            RetryPolicy logged = settings.retryPolicy(Builder::log);
            RetryPolicy policy = retryListener == null ? logged : logged.withRetryListener(retryListener);
            return BackendVectorStore.of(PineconeBackend.connect(settings, policy), settings.namespace());
        }

        private static void log(String operation, int attempt, RetryableException failure, Duration delay) {
            LOG.info("Retrying {} in {} ms after attempt {} failed: {}", operation, delay.toMillis(), attempt,
                    failure.getMessage());
        }

        /** The settings without the API key. */
        @Override
        public String toString() {
            return "PineconeVectorStore.Builder[indexName=" + indexName + ", indexHost=" + indexHost + ", namespace=\""
                    + namespace + "\"]";
        }
    }
}
