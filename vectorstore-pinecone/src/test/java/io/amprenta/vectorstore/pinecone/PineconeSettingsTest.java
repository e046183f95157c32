package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStoreConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PineconeSettingsTest {

    private static final String KEY = "pcsk_FAKE_settings_key_0815";

    private static PineconeSettings settings(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return PineconeSettings.fromConfig(VectorStoreConfig.of(map));
    }

    private static void assertConfigError(Runnable call, ErrorCode code, String... parts) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(parts[0]).satisfies(e -> {
                    for (String part : parts) {
                        assertThat(e.getMessage()).contains(part);
                    }
                });
    }

    @Test
    void defaultsApplyWhenOnlyTheKeyAndIndexAreSet() {
        PineconeSettings settings = settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs");

        assertThat(settings.indexName()).contains("docs");
        assertThat(settings.indexHost()).isEmpty();
        assertThat(settings.controlPlaneUrl()).isEqualTo("https://api.pinecone.io");
        assertThat(settings.tls()).isTrue();
        assertThat(settings.namespace()).isEmpty();
        assertThat(settings.metric()).isEmpty();
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.retry().maxRetries()).isEqualTo(5);
        assertThat(settings.retryPolicy((op, attempt, failure, delay) -> { }).maxRetries()).isEqualTo(5);
    }

    @Test
    void everyKeyIsRead() {
        PineconeSettings settings = settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_HOST", "https://docs-abc.svc.pinecone.io/",
                "PINECONE_NAMESPACE", "tenant", "PINECONE_TLS", "false", "PINECONE_CONTROL_PLANE_URL", "http://localhost:9/",
                "PINECONE_METRIC", "DotProduct", "PINECONE_TIMEOUT", "1500ms", "PINECONE_MAX_RETRIES", "0",
                "PINECONE_RETRY_INITIAL_DELAY", "1s", "PINECONE_RETRY_MAX_DELAY", "5s", "PINECONE_RETRY_MAX_DURATION", "1m");

        assertThat(settings.indexHost()).contains("docs-abc.svc.pinecone.io");
        assertThat(settings.namespace()).isEqualTo("tenant");
        assertThat(settings.tls()).isFalse();
        assertThat(settings.controlPlaneUrl()).isEqualTo("http://localhost:9");
        assertThat(settings.metric()).contains(DistanceMetric.DOTPRODUCT);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.retry().maxRetries()).isZero();
        assertThat(settings.retry().initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.retry().maxDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.retry().maxDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.indexLabel()).isEqualTo("at docs-abc.svc.pinecone.io");
    }

    @Test
    void missingOrBadSettingsNameTheirKey() {
        assertConfigError(() -> settings("PINECONE_INDEX_NAME", "docs"), ErrorCode.MISSING_SETTING, "PINECONE_API_KEY");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY), ErrorCode.MISSING_SETTING, "PINECONE_INDEX_NAME", "PINECONE_INDEX_HOST");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs", "PINECONE_TLS", "maybe"),
                ErrorCode.INVALID_SETTING, "PINECONE_TLS");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_HOST", "http://127.0.0.1:5081"),
                ErrorCode.INVALID_SETTING, "PINECONE_INDEX_HOST", "PINECONE_TLS=false");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_HOST", "host/with/path"),
                ErrorCode.INVALID_SETTING, "PINECONE_INDEX_HOST");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs", "PINECONE_CONTROL_PLANE_URL", "api.pinecone.io"),
                ErrorCode.INVALID_SETTING, "PINECONE_CONTROL_PLANE_URL");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs", "PINECONE_METRIC", "l2"),
                ErrorCode.INVALID_SETTING, "PINECONE_METRIC");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs", "PINECONE_TIMEOUT", "0s"),
                ErrorCode.INVALID_SETTING, "PINECONE_TIMEOUT");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs", "PINECONE_MAX_RETRIES", "101"),
                ErrorCode.INVALID_SETTING, "PINECONE_MAX_RETRIES");
        assertConfigError(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs", "PINECONE_RETRY_INITIAL_DELAY", "10s",
                "PINECONE_RETRY_MAX_DELAY", "1s"), ErrorCode.INVALID_SETTING, "PINECONE_RETRY_MAX_DELAY");
    }

    @Test
    void thePlaintextEmulatorHostIsAcceptedWithTlsOff() {
        PineconeSettings settings = settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_HOST", "http://127.0.0.1:5081", "PINECONE_TLS", "false");

        assertThat(settings.indexHost()).contains("127.0.0.1:5081");
    }

    @Test
    void theApiKeyNeverShowsInToStringOrErrors() {
        PineconeSettings settings = settings("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs");
        PineconeVectorStore.Builder builder = PineconeVectorStore.builder().apiKey(KEY).indexName("docs");

        assertThat(settings.toString()).doesNotContain(KEY).contains("apiKey=****", "docs");
        assertThat(builder.toString()).doesNotContain(KEY);
        RetryPolicy retry = builder.settings().retry();
        assertThat(builder.settings()).isEqualTo(new PineconeSettings(KEY, Optional.of("docs"), Optional.empty(),
                "https://api.pinecone.io", true, "", Optional.empty(), Duration.ofSeconds(30), retry));
        assertThat(List.of(retry.maxRetries(), retry.initialDelay(), retry.maxDelay(), retry.maxDuration()))
                .containsExactly(5, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(2));
        assertThatThrownBy(() -> settings("PINECONE_API_KEY", KEY, "PINECONE_TLS", "maybe", "PINECONE_INDEX_NAME", "docs"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void theBuilderPresetFromConfigCanBeOverridden() {
        VectorStoreConfig config = VectorStoreConfig.of(Map.of("PINECONE_API_KEY", KEY, "PINECONE_INDEX_NAME", "docs",
                "PINECONE_NAMESPACE", "a", "PINECONE_MAX_RETRIES", "2"));

        PineconeSettings settings = PineconeVectorStore.builder(config).namespace("b").tls(false).settings();

        assertThat(settings.namespace()).isEqualTo("b");
        assertThat(settings.tls()).isFalse();
        assertThat(settings.retry().maxRetries()).isEqualTo(2);
        assertThat(settings.indexName()).contains("docs");
    }
}
