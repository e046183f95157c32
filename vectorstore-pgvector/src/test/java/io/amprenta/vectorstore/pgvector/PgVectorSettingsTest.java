package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgVectorSettingsTest {

    @Test
    void defaults() {
        PgVectorSettings settings = PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of()));

        assertThat(settings.qualifiedTable()).isEqualTo("public.rag_chunks");
        assertThat(settings.idColumn()).isEqualTo("id");
        assertThat(settings.metadataColumn()).isEqualTo("vectorstore_metadata");
        assertThat(settings.configuredDimension()).isEmpty();
        assertThat(settings.metric()).isEqualTo(DistanceMetric.COSINE);
        assertThat(settings.namespace()).isEmpty();
        assertThat(settings.efSearch()).isEqualTo(PgVectorSettings.EF_SEARCH.defaultValue().orElseThrow());
        assertThat(settings.hnswM()).isEqualTo(16);
        assertThat(settings.hnswEfConstruction()).isEqualTo(64);
        assertThat(settings.iterativeScan()).isEqualTo(PgVectorSettings.IterativeScan.RELAXED_ORDER);
        assertThat(settings.exactFallback()).isTrue();
        assertThat(settings.statementTimeout()).isZero();
        assertThat(settings.deleteMode()).isEqualTo(PgVectorSettings.DeleteMode.AUTO);
        assertThat(settings.targetRecall()).isEqualTo(0.95);
        assertThat(settings.recallSampleRate()).isZero();
        // Unset, ef_search and the iterative-scan mode leave room for a stored calibration.
        assertThat(settings.configuredEfSearch()).isEmpty();
        assertThat(settings.configuredIterativeScan()).isEmpty();
    }

    @Test
    void anExplicitEfSearchIsKnownAsSuch() {
        PgVectorSettings settings = PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of("PGVECTOR_EF_SEARCH", "100",
                "PGVECTOR_TARGET_RECALL", "0.98", "PGVECTOR_RECALL_SAMPLE_RATE", "0.01")));

        assertThat(settings.configuredEfSearch()).hasValue(100);
        assertThat(settings.targetRecall()).isEqualTo(0.98);
        assertThat(settings.recallSampleRate()).isEqualTo(0.01);
        assertThat(settings).isNotEqualTo(PgVectorSettings.builder().targetRecall(0.98).recallSampleRate(0.01).build());
    }

    @Test
    void everyKeyIsRead() {
        PgVectorSettings settings = PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.ofEntries(
                Map.entry("PGVECTOR_SCHEMA", "app"), Map.entry("PGVECTOR_TABLE", "chunks"),
                Map.entry("PGVECTOR_ID_COLUMN", "chunk_id"), Map.entry("PGVECTOR_METADATA_COLUMN", "vs_meta"),
                Map.entry("PGVECTOR_DIMENSION", "1536"),
                Map.entry("PGVECTOR_METRIC", "dotproduct"), Map.entry("PGVECTOR_NAMESPACE", "tenant-a"),
                Map.entry("EMBEDDING_MODEL", "text-embedding-3-small"), Map.entry("PGVECTOR_EF_SEARCH", "200"),
                Map.entry("PGVECTOR_HNSW_M", "24"), Map.entry("PGVECTOR_HNSW_EF_CONSTRUCTION", "128"),
                Map.entry("PGVECTOR_ITERATIVE_SCAN", "strict_order"), Map.entry("PGVECTOR_MAX_SCAN_TUPLES", "50000"),
                Map.entry("PGVECTOR_EXACT_FALLBACK", "false"), Map.entry("PGVECTOR_STATEMENT_TIMEOUT", "30s"),
                Map.entry("PGVECTOR_COPY_THRESHOLD", "2000"), Map.entry("PGVECTOR_DELETE_MODE", "embedding"),
                Map.entry("PGVECTOR_MAX_RETRIES", "4"), Map.entry("PGVECTOR_POOL_SIZE", "20"))));

        assertThat(settings).isEqualTo(PgVectorSettings.builder().schema("app").table("chunks").idColumn("chunk_id")
                .metadataColumn("vs_meta").dimension(1536).metric(DistanceMetric.DOTPRODUCT).namespace("tenant-a").embeddingModel("text-embedding-3-small")
                .efSearch(200).hnswM(24).hnswEfConstruction(128).iterativeScan(PgVectorSettings.IterativeScan.STRICT_ORDER)
                .maxScanTuples(50_000).exactFallback(false).statementTimeout(Duration.ofSeconds(30)).copyThreshold(2000)
                .deleteMode(PgVectorSettings.DeleteMode.EMBEDDING).poolSize(20)
                .retry(PgVectorSettings.builder().build().retry().toBuilder().maxRetries(4).build()).build());
    }

    @Test
    void badValuesNameTheirKey() {
        assertInvalid("PGVECTOR_EF_SEARCH", "0");
        assertInvalid("PGVECTOR_EF_SEARCH", "1001");
        assertInvalid("PGVECTOR_DIMENSION", "16001");
        assertInvalid("PGVECTOR_METRIC", "manhattan");
        assertInvalid("PGVECTOR_ITERATIVE_SCAN", "sometimes");
        assertInvalid("PGVECTOR_TABLE", "rag_chunks; DROP TABLE users");
        assertInvalid("PGVECTOR_SCHEMA", "public\"");
        assertInvalid("PGVECTOR_STATEMENT_TIMEOUT", "soon");
        assertInvalid("PGVECTOR_MAX_RETRIES", "-1");
        assertInvalid("PGVECTOR_METADATA_COLUMN", "meta data");
        assertThatThrownBy(() -> PgVectorSettings.builder().metadataColumn("namespace").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_METADATA_COLUMN is 'namespace'");
        assertThatThrownBy(() -> PgVectorSettings.builder().idColumn("chunk").metadataColumn("chunk").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_METADATA_COLUMN");
        assertThatThrownBy(() -> PgVectorSettings.builder().metadataColumn("embedding_sparse_values").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_METADATA_COLUMN is 'embedding_sparse_values'");
        assertInvalid("PGVECTOR_TARGET_RECALL", "1.5");
        assertInvalid("PGVECTOR_TARGET_RECALL", "high");
        assertInvalid("PGVECTOR_RECALL_SAMPLE_RATE", "-0.1");
        assertInvalid("PGVECTOR_RECALL_SAMPLE_RATE", "2");
        assertThatThrownBy(() -> PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of("PGVECTOR_MAX_ATTEMPTS", "3"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_MAX_RETRIES");
        assertThatThrownBy(() -> PgVectorSettings.builder().efSearch(0).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_EF_SEARCH is '0'");
        assertThatThrownBy(() -> PgVectorSettings.builder().hnswM(48).hnswEfConstruction(64).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_HNSW_EF_CONSTRUCTION")
                .hasMessageContaining("96");
    }

    private static void assertInvalid(String key, String value) {
        assertThatThrownBy(() -> PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of(key, value))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining(key);
    }

    @Test
    void indexPrecisionAndBuildSettingsAreReadAndBadValuesAreRefusedByKey() {
        PgVectorSettings settings = PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of("PGVECTOR_INDEX_PRECISION", "half",
                "PGVECTOR_INDEX_BUILD_WORKERS", "3", "PGVECTOR_INDEX_BUILD_MEMORY", "256MB")));

        assertThat(settings.indexPrecision()).isEqualTo(PgVectorSettings.IndexPrecision.HALF);
        assertThat(settings.indexBuild()).isEqualTo(IndexBuildOptions.defaults().withParallelWorkers(3)
                .withMaintenanceWorkMem("256MB"));
        PgVectorSettings defaults = PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of()));
        assertThat(defaults.indexPrecision()).isEqualTo(PgVectorSettings.IndexPrecision.AUTO);
        assertThat(defaults.indexBuild().parallelWorkers()).as("derived from the server at build time").isEmpty();
        assertThat(defaults.indexBuild().maintenanceWorkMem()).isEqualTo("1GB");

        for (Map<String, String> bad : java.util.List.of(Map.of("PGVECTOR_INDEX_PRECISION", "quarter"),
                Map.of("PGVECTOR_INDEX_BUILD_WORKERS", "-1"), Map.of("PGVECTOR_INDEX_BUILD_MEMORY", "lots"))) {
            String key = bad.keySet().iterator().next();
            assertThatThrownBy(() -> PgVectorSettings.fromConfig(VectorStoreConfig.of(bad)))
                    .isInstanceOfSatisfying(ConfigurationException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                    .hasMessageContaining(key);
        }
        assertThatThrownBy(() -> PgVectorSettings.fromConfig(VectorStoreConfig.of(Map.of("PGVECTOR_INDEX_PRECISION", "full",
                "PGVECTOR_DIMENSION", "3072"))))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("PGVECTOR_INDEX_PRECISION is full").hasMessageContaining("half or auto");
    }
}
