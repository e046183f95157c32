package io.amprenta.vectorstore.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ConfigurationKeysTest {

    @Test
    void propertyNamesMapToTheLibrarysKeys() {
        assertThat(ConfigurationKeys.keyOf("vectorstore.backend")).isEqualTo("VECTOR_BACKEND");
        assertThat(ConfigurationKeys.keyOf("vectorstore.pgvector.table")).isEqualTo("PGVECTOR_TABLE");
        assertThat(ConfigurationKeys.keyOf("vectorstore.pgvector.ef-search")).isEqualTo("PGVECTOR_EF_SEARCH");
        assertThat(ConfigurationKeys.keyOf("vectorstore.pgvector.efSearch")).isEqualTo("PGVECTOR_EF_SEARCH");
        assertThat(ConfigurationKeys.keyOf("vectorstore.pinecone.api-key")).isEqualTo("PINECONE_API_KEY");
        assertThat(ConfigurationKeys.keyOf("vectorstore.database-url")).isEqualTo("DATABASE_URL");
        assertThat(ConfigurationKeys.keyOf("vectorstore.pg.host")).isEqualTo("PGHOST");
        assertThat(ConfigurationKeys.keyOf("vectorstore.dual-write.primary")).isEqualTo("DUAL_WRITE_PRIMARY");
        assertThat(ConfigurationKeys.keyOf("VECTORSTORE_PGVECTOR_TABLE")).isEqualTo("PGVECTOR_TABLE");
        assertThat(ConfigurationKeys.keyOf("PINECONE_API_KEY")).isEqualTo("PINECONE_API_KEY");
        assertThat(ConfigurationKeys.keyOf("PGPASSWORD")).isEqualTo("PGPASSWORD");
        // The starter's own settings and unrelated properties are not keys.
        assertThat(ConfigurationKeys.keyOf("vectorstore.pgvector.initialize-schema")).isNull();
        assertThat(ConfigurationKeys.keyOf("vectorstore.metrics.enabled")).isNull();
        assertThat(ConfigurationKeys.keyOf("vectorstore.spring-ai.content-field")).isNull();
        assertThat(ConfigurationKeys.keyOf("spring.datasource.url")).isNull();
        assertThat(ConfigurationKeys.keyOf("PATH")).isNull();
    }

    @Test
    void theSourceSpringRanksHighestWins() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addLast(new MapPropertySource("application.yml", Map.of(
                "vectorstore.backend", "pinecone", "vectorstore.pgvector.table", "docs", "vectorstore.memory.metric", "${METRIC:dotproduct}")));
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env", Map.of(
                "VECTOR_BACKEND", "pgvector", "DATABASE_URL", "postgresql://db/app")));
        Map<String, String> keys = ConfigurationKeys.resolve(environment);
        assertThat(keys).containsEntry("VECTOR_BACKEND", "pgvector").containsEntry("PGVECTOR_TABLE", "docs")
                .containsEntry("DATABASE_URL", "postgresql://db/app").containsEntry("MEMORY_METRIC", "dotproduct");
    }
}
