package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class VectorStoreConfigTest {

    @Test
    void systemPropertiesOverrideEnvironmentVariables() {
        Properties properties = new Properties();
        properties.setProperty("VECTOR_BACKEND", "memory");
        VectorStoreConfig config = VectorStoreConfig.overlay(Map.of("VECTOR_BACKEND", "pgvector", "PGVECTOR_TABLE", "t"), properties);

        assertThat(config.get("VECTOR_BACKEND")).contains("memory");
        assertThat(config.get("PGVECTOR_TABLE")).contains("t");
    }

    @Test
    void blankValuesCountAsUnsetAndValuesAreTrimmed() {
        VectorStoreConfig config = VectorStoreConfig.of(Map.of("A", "  ", "B", " x "));

        assertThat(config.has("A")).isFalse();
        assertThat(config.get("A", "default")).isEqualTo("default");
        assertThat(config.get("B")).contains("x");
        assertThat(config.with("B", null).has("B")).isFalse();
        assertThat(config.with("C", "c").get("C")).contains("c");
    }

    @Test
    void requireNamesTheKeyAndWhatToSetItTo() {
        assertThatThrownBy(() -> VectorStoreConfig.of(Map.of()).require("PINECONE_INDEX_NAME", "the name of your Pinecone index"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_SETTING))
                .hasMessageStartingWith("PINECONE_INDEX_NAME is not set. Set it to the name of your Pinecone index")
                .hasMessageContaining("docs/errors.md#missing-setting");
    }

    @Test
    void toStringHidesSecretsAndUnrelatedVariables() {
        VectorStoreConfig config = VectorStoreConfig.of(Map.of(
                "PINECONE_API_KEY", "pcsk_secret123",
                "PGPASSWORD", "hunter2",
                "DATABASE_URL", "postgresql://app:s3cret@db:5432/rag",
                "VECTORSTORE_JDBC", "jdbc:postgresql://db/rag?user=app&password=pw2&ssl=true",
                "VECTOR_BACKEND", "pgvector",
                "HOME", "/root"));

        String shown = config.toString();

        assertThat(shown).doesNotContain("pcsk_secret123", "hunter2", "s3cret", "pw2", "/root")
                .contains("VECTOR_BACKEND=pgvector", "PINECONE_API_KEY=****", "postgresql://app:****@db:5432/rag",
                        "password=****&ssl=true");
    }

    @Test
    void invalidValuesOfSecretKeysAreNotEchoed() {
        assertThat(VectorStoreConfig.invalid("PINECONE_API_KEY", "pcsk_abc", "a key").getMessage())
                .doesNotContain("pcsk_abc").contains("PINECONE_API_KEY is ****");
        assertThat(VectorStoreConfig.invalid("DATABASE_URL", "postgresql://u:pw@h/db", "a URL").getMessage())
                .doesNotContain(":pw@").contains("u:****@h");
    }
}
