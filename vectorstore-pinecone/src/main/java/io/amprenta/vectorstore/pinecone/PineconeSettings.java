package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, immutable settings of a Pinecone store: which index, how to reach it, and how patiently.
 * Built by {@link PineconeVectorStore.Builder} or read from the {@code PINECONE_*} keys with
 * {@link #fromConfig(VectorStoreConfig)}; every key is declared once below, as a {@link Setting}. Errors name the
 * key to fix; {@link #toString()} never shows the API key.
 *
 * @param apiKey the API key ({@link #API_KEY}); never printed
 * @param indexName the index's name ({@link #INDEX_NAME}); used to look up its host unless one is given
 * @param indexHost the index's data-plane host ({@link #INDEX_HOST}), without scheme; skips the lookup
 * @param controlPlaneUrl where {@code describe_index} is asked ({@link #CONTROL_PLANE_URL})
 * @param tls whether the data plane is reached over TLS ({@link #TLS})
 * @param namespace the namespace the store starts in ({@link #NAMESPACE})
 * @param metric the metric the index must have, when stated ({@link #METRIC})
 * @param requestTimeout the deadline of each data-plane request ({@link #TIMEOUT})
 * @param retry how throttled or failed requests are retried ({@link #RETRY})
 */
public record PineconeSettings(String apiKey, Optional<String> indexName, Optional<String> indexHost,
                               String controlPlaneUrl, boolean tls, String namespace, Optional<DistanceMetric> metric,
                               Duration requestTimeout, RetryPolicy retry) {

    /** The API key. Required. */
    public static final Setting<String> API_KEY = Setting.text("PINECONE_API_KEY", null, "the API key; never logged or shown")
            .withDefaultText("required");
    /** The index's name; required unless {@link #INDEX_HOST} is set. */
    public static final Setting<String> INDEX_NAME = Setting.text("PINECONE_INDEX_NAME", null,
            "the index; its host, dimension and metric are looked up once").withDefaultText("required unless `PINECONE_INDEX_HOST`");
    /** The index's host (e.g. {@code my-index-abc123.svc.aped-4627-b74a.pinecone.io}); skips the control-plane lookup. */
    public static final Setting<String> INDEX_HOST = Setting.text("PINECONE_INDEX_HOST", null,
            "the index host, skipping the control-plane lookup (recommended in production)");
    /** The namespace; default {@code ""}, Pinecone's default namespace. */
    public static final Setting<String> NAMESPACE = Setting.text("PINECONE_NAMESPACE", "", "the namespace the store starts in")
            .withDefaultText("`\"\"`");
    /** Whether the data plane uses TLS. Only an emulator or a local proxy needs {@code false}. */
    public static final Setting<Boolean> TLS = Setting.flag("PINECONE_TLS", true,
            "TLS to the index; `false` only for a plaintext endpoint such as the emulator");
    /** The control plane's base URL. */
    public static final Setting<String> CONTROL_PLANE_URL = Setting.text("PINECONE_CONTROL_PLANE_URL", "https://api.pinecone.io",
            "where the index is looked up").accepting(url -> url.toLowerCase(Locale.ROOT).matches("https?://.+"),
            "an http:// or https:// URL such as https://api.pinecone.io");
    /** The metric the index is expected to have; checked when Pinecone reports one, used when it does not. */
    public static final Setting<DistanceMetric> METRIC = Setting.choice("PINECONE_METRIC", DistanceMetric.class, null,
            DistanceMetric::configName, "the metric the index must have; used when Pinecone reports none");
    /** The deadline of each data-plane request. */
    public static final Setting<Duration> TIMEOUT = Setting.duration("PINECONE_TIMEOUT", Duration.ofSeconds(30),
            Duration.ofMillis(1), "deadline of each request");
    // Retries when nothing is configured: patient enough to ride out a throttling spell.
    static final RetryPolicy RETRY_DEFAULTS = RetryPolicy.builder().maxRetries(5)
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(10)).maxDuration(Duration.ofMinutes(2)).jitter(0.5).build();
    /** The retries of throttled, unavailable or timed-out requests: {@code PINECONE_MAX_RETRIES} and its three delays. */
    public static final RetryPolicy.Keys RETRY = RetryPolicy.Keys.of("PINECONE", RETRY_DEFAULTS);

    /** Every key the Pinecone backend reads, in documentation order. */
    public static List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>(List.of(API_KEY, INDEX_NAME, INDEX_HOST, NAMESPACE, TLS, CONTROL_PLANE_URL,
                METRIC, TIMEOUT));
        all.addAll(RETRY.settings());
        return List.copyOf(all);
    }

    /** Validates every setting; errors name the key. Normalizes the host (no scheme, no trailing slash). */
    public PineconeSettings {
        if (apiKey == null || apiKey.isBlank()) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, API_KEY.key() + " is not set. Set it to your Pinecone"
                    + " API key (Pinecone console, API Keys).");
        }
        indexName = Objects.requireNonNull(indexName, "indexName").filter(name -> !name.isBlank());
        indexHost = Objects.requireNonNull(indexHost, "indexHost").filter(host -> !host.isBlank())
                .map(host -> normalizeHost(host, tls));
        if (indexName.isEmpty() && indexHost.isEmpty()) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, "Neither " + INDEX_NAME.key() + " nor "
                    + INDEX_HOST.key() + " is set. Set " + INDEX_NAME.key() + " to the name of your Pinecone index, or "
                    + INDEX_HOST.key() + " to its host (shown in the console and by describe_index) to skip the lookup.");
        }
        controlPlaneUrl = CONTROL_PLANE_URL.check(controlPlaneUrl);
        controlPlaneUrl = controlPlaneUrl.endsWith("/") ? controlPlaneUrl.substring(0, controlPlaneUrl.length() - 1) : controlPlaneUrl;
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metric, "metric");
        TIMEOUT.check(requestTimeout);
        Objects.requireNonNull(retry, "retry");
        RETRY.maxRetries().check(retry.maxRetries());
    }

    /** The settings the {@code PINECONE_*} keys of {@code config} describe, with defaults for the rest. */
    public static PineconeSettings fromConfig(VectorStoreConfig config) {
        return new PineconeSettings(
                API_KEY.from(config),
                INDEX_NAME.optionalFrom(config),
                INDEX_HOST.optionalFrom(config),
                CONTROL_PLANE_URL.from(config),
                TLS.from(config),
                NAMESPACE.from(config),
                METRIC.optionalFrom(config),
                TIMEOUT.from(config),
                RETRY.from(config, RETRY_DEFAULTS));
    }

    /** The retry policy of these settings, also telling {@code listener} about every retry. */
    public RetryPolicy retryPolicy(RetryPolicy.RetryListener listener) {
        return retry.withRetryListener(listener);
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
                + ", maxRetries=" + retry.maxRetries() + ", retryInitialDelay=" + retry.initialDelay() + ", retryMaxDelay="
                + retry.maxDelay() + ", retryMaxDuration=" + retry.maxDuration() + "]";
    }

    private static String normalizeHost(String host, boolean tls) {
        String trimmed = host.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") && tls) {
            throw VectorStoreConfig.invalid(INDEX_HOST.key(), host, "an https:// host, or a bare host name, while " + TLS.key()
                    + " is true; set " + TLS.key() + "=false to reach a plaintext endpoint such as the emulator");
        }
        String bare = trimmed.replaceFirst("(?i)^https?://", "");
        while (bare.endsWith("/")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        if (bare.isEmpty() || bare.contains("/") || bare.contains(" ")) {
            throw VectorStoreConfig.invalid(INDEX_HOST.key(), host, "a host name with an optional port, such as"
                    + " my-index-abc123.svc.aped-4627-b74a.pinecone.io");
        }
        return bare;
    }
}
