package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.spi.RetryPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, immutable settings of a Pinecone store: which index, how to reach it, and how patiently.
 * Built by {@link PineconeVectorStore.Builder} or read from the {@code PINECONE_*} keys with
 * {@link #fromConfig(VectorStoreConfig)}. Errors name the key to fix; {@link #toString()} never shows the
 * API key.
 *
 * @param apiKey the API key ({@value #API_KEY}); never printed
 * @param indexName the index's name ({@value #INDEX_NAME}); used to look up its host unless one is given
 * @param indexHost the index's data-plane host ({@value #INDEX_HOST}), without scheme; skips the lookup
 * @param controlPlaneUrl where {@code describe_index} is asked ({@value #CONTROL_PLANE_URL})
 * @param tls whether the data plane is reached over TLS ({@value #TLS})
 * @param namespace the namespace the store starts in ({@value #NAMESPACE})
 * @param metric the metric the index must have, when stated ({@value #METRIC})
 * @param requestTimeout the deadline of each data-plane request ({@value #TIMEOUT})
 * @param maxRetries how many times a throttled or failed request is retried ({@value #MAX_RETRIES})
 * @param retryInitialDelay the first backoff ({@value #RETRY_INITIAL_DELAY})
 * @param retryMaxDelay the cap on one backoff ({@value #RETRY_MAX_DELAY})
 * @param retryMaxDuration the most time one request may take, retries and waits included ({@value #RETRY_MAX_DURATION})
 */
public record PineconeSettings(String apiKey, Optional<String> indexName, Optional<String> indexHost,
                               String controlPlaneUrl, boolean tls, String namespace, Optional<DistanceMetric> metric,
                               Duration requestTimeout, int maxRetries, Duration retryInitialDelay,
                               Duration retryMaxDelay, Duration retryMaxDuration) {

    /** The API key. Required. */
    public static final String API_KEY = "PINECONE_API_KEY";
    /** The index's name; required unless {@link #INDEX_HOST} is set. */
    public static final String INDEX_NAME = "PINECONE_INDEX_NAME";
    /** The index's host (e.g. {@code my-index-abc123.svc.aped-4627-b74a.pinecone.io}); skips the control-plane lookup. */
    public static final String INDEX_HOST = "PINECONE_INDEX_HOST";
    /** The namespace; default {@code ""}, Pinecone's default namespace. */
    public static final String NAMESPACE = "PINECONE_NAMESPACE";
    /** Whether the data plane uses TLS; default {@code true}. Only an emulator or a local proxy needs {@code false}. */
    public static final String TLS = "PINECONE_TLS";
    /** The control plane's base URL; default {@value #DEFAULT_CONTROL_PLANE_URL}. */
    public static final String CONTROL_PLANE_URL = "PINECONE_CONTROL_PLANE_URL";
    /** The metric the index is expected to have; checked when Pinecone reports one, used when it does not. */
    public static final String METRIC = "PINECONE_METRIC";
    /** The deadline of each data-plane request; default 30s. */
    public static final String TIMEOUT = "PINECONE_TIMEOUT";
    /** Retries of a throttled or unavailable request; default 5, 0 disables retrying. */
    public static final String MAX_RETRIES = "PINECONE_MAX_RETRIES";
    /** The first backoff delay; default 200ms, doubling per retry. */
    public static final String RETRY_INITIAL_DELAY = "PINECONE_RETRY_INITIAL_DELAY";
    /** The longest backoff delay; default 10s. */
    public static final String RETRY_MAX_DELAY = "PINECONE_RETRY_MAX_DELAY";
    /** The most time spent on one request including retries; default 2m. */
    public static final String RETRY_MAX_DURATION = "PINECONE_RETRY_MAX_DURATION";

    /** Pinecone's control plane. */
    public static final String DEFAULT_CONTROL_PLANE_URL = "https://api.pinecone.io";
    /** The default of {@link #TIMEOUT}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The default of {@link #MAX_RETRIES}. */
    public static final int DEFAULT_MAX_RETRIES = 5;
    /** The default of {@link #RETRY_INITIAL_DELAY}. */
    public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofMillis(200);
    /** The default of {@link #RETRY_MAX_DELAY}. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(10);
    /** The default of {@link #RETRY_MAX_DURATION}. */
    public static final Duration DEFAULT_RETRY_MAX_DURATION = Duration.ofMinutes(2);

    static final int MAX_MAX_RETRIES = 100;
    private static final double RETRY_JITTER = 0.5;

    /** Validates every setting; errors name the key. Normalizes the host (no scheme, no trailing slash). */
    public PineconeSettings {
        if (apiKey == null || apiKey.isBlank()) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, API_KEY + " is not set. Set it to your Pinecone"
                    + " API key (Pinecone console, API Keys).");
        }
        indexName = Objects.requireNonNull(indexName, "indexName").filter(name -> !name.isBlank());
        indexHost = Objects.requireNonNull(indexHost, "indexHost").filter(host -> !host.isBlank())
                .map(host -> normalizeHost(host, tls));
        if (indexName.isEmpty() && indexHost.isEmpty()) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, "Neither " + INDEX_NAME + " nor " + INDEX_HOST
                    + " is set. Set " + INDEX_NAME + " to the name of your Pinecone index, or " + INDEX_HOST
                    + " to its host (shown in the console and by describe_index) to skip the lookup.");
        }
        Objects.requireNonNull(controlPlaneUrl, "controlPlaneUrl");
        String lowerUrl = controlPlaneUrl.toLowerCase(Locale.ROOT);
        if (!lowerUrl.startsWith("https://") && !lowerUrl.startsWith("http://")) {
            throw VectorStoreConfig.invalid(CONTROL_PLANE_URL, controlPlaneUrl, "an http:// or https:// URL such as "
                    + DEFAULT_CONTROL_PLANE_URL);
        }
        controlPlaneUrl = controlPlaneUrl.endsWith("/") ? controlPlaneUrl.substring(0, controlPlaneUrl.length() - 1) : controlPlaneUrl;
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metric, "metric");
        requirePositive(TIMEOUT, requestTimeout);
        if (maxRetries < 0 || maxRetries > MAX_MAX_RETRIES) {
            throw VectorStoreConfig.invalid(MAX_RETRIES, String.valueOf(maxRetries), "an integer from 0 to " + MAX_MAX_RETRIES);
        }
        requirePositive(RETRY_INITIAL_DELAY, retryInitialDelay);
        requirePositive(RETRY_MAX_DELAY, retryMaxDelay);
        requirePositive(RETRY_MAX_DURATION, retryMaxDuration);
        if (retryMaxDelay.compareTo(retryInitialDelay) < 0) {
            throw VectorStoreConfig.invalid(RETRY_MAX_DELAY, String.valueOf(retryMaxDelay),
                    "at least " + RETRY_INITIAL_DELAY + " (" + retryInitialDelay + ")");
        }
    }

    /** The settings the {@code PINECONE_*} keys of {@code config} describe, with defaults for the rest. */
    public static PineconeSettings fromConfig(VectorStoreConfig config) {
        return new PineconeSettings(
                config.get(API_KEY).orElse(null),
                config.get(INDEX_NAME),
                config.get(INDEX_HOST),
                config.get(CONTROL_PLANE_URL, DEFAULT_CONTROL_PLANE_URL),
                config.getBoolean(TLS, true),
                config.get(NAMESPACE, ""),
                config.get(METRIC).map(value -> DistanceMetric.fromConfig(METRIC, value)),
                config.getDuration(TIMEOUT, DEFAULT_TIMEOUT),
                config.getInt(MAX_RETRIES, DEFAULT_MAX_RETRIES, 0, MAX_MAX_RETRIES),
                config.getDuration(RETRY_INITIAL_DELAY, DEFAULT_RETRY_INITIAL_DELAY),
                config.getDuration(RETRY_MAX_DELAY, DEFAULT_RETRY_MAX_DELAY),
                config.getDuration(RETRY_MAX_DURATION, DEFAULT_RETRY_MAX_DURATION));
    }

    /** The retry policy these settings describe, telling {@code listener} about every retry. */
    public RetryPolicy retryPolicy(RetryPolicy.RetryListener listener) {
        return RetryPolicy.builder()
                .maxAttempts(maxRetries + 1)
                .backoff(retryInitialDelay, retryMaxDelay)
                .maxDuration(retryMaxDuration)
                .jitter(RETRY_JITTER)
                .onRetry(listener)
                .build();
    }

    /** How the index is named in messages: its name, else its host. */
    public String indexLabel() {
        return indexName.map(name -> "'" + name + "'").orElseGet(() -> "at " + indexHost.orElseThrow());
    }

    /** Every setting except the API key, which shows as {@code ****}. */
    @Override
    public String toString() {
        return "PineconeSettings[apiKey=****, indexName=" + indexName.orElse("") + ", indexHost=" + indexHost.orElse("")
                + ", controlPlaneUrl=" + controlPlaneUrl + ", tls=" + tls + ", namespace=\"" + namespace + "\", metric="
                + metric.map(DistanceMetric::configName).orElse("") + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries + ", retryInitialDelay=" + retryInitialDelay + ", retryMaxDelay="
                + retryMaxDelay + ", retryMaxDuration=" + retryMaxDuration + "]";
    }

    private static String normalizeHost(String host, boolean tls) {
        String trimmed = host.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") && tls) {
            throw VectorStoreConfig.invalid(INDEX_HOST, host, "an https:// host, or a bare host name, while " + TLS
                    + " is true; set " + TLS + "=false to reach a plaintext endpoint such as the emulator");
        }
        String bare = trimmed.replaceFirst("(?i)^https?://", "");
        while (bare.endsWith("/")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        if (bare.isEmpty() || bare.contains("/") || bare.contains(" ")) {
            throw VectorStoreConfig.invalid(INDEX_HOST, host, "a host name with an optional port, such as"
                    + " my-index-abc123.svc.aped-4627-b74a.pinecone.io");
        }
        return bare;
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw VectorStoreConfig.invalid(key, String.valueOf(value), "a positive duration such as 500ms, 30s or 2m");
        }
    }
}
