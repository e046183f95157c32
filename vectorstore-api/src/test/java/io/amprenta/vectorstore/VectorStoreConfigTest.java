package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    void integersAreRangeChecked() {
        VectorStoreConfig config = VectorStoreConfig.of(Map.of("N", "384", "BAD", "abc", "BIG", "99999"));

        assertThat(config.getInt("N", 1, 16000)).contains(384);
        assertThat(config.getInt("MISSING", 7, 1, 10)).isEqualTo(7);
        assertThatThrownBy(() -> config.getInt("BAD", 1, 16000)).hasMessageContaining("BAD is 'abc' but must be an integer from 1 to 16000");
        assertThatThrownBy(() -> config.getInt("BIG", 1, 16000)).hasMessageContaining("BIG is '99999'");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "YES,true", "on,true", "1,true", "false,false", "No,false", "off,false", "0,false"})
    void booleansAcceptTheUsualSpellings(String value, boolean expected) {
        assertThat(VectorStoreConfig.of(Map.of("B", value)).getBoolean("B", !expected)).isEqualTo(expected);
    }

    @Test
    void aBadBooleanIsReported() {
        assertThatThrownBy(() -> VectorStoreConfig.of(Map.of("PINECONE_TLS", "maybe")).getBoolean("PINECONE_TLS", true))
                .hasMessageContaining("PINECONE_TLS is 'maybe' but must be true or false");
    }

    @ParameterizedTest
    @CsvSource({"250ms,PT0.25S", "30s,PT30S", "30,PT30S", "5m,PT5M", "1h,PT1H", "PT2M,PT2M"})
    void durationsAcceptUnitsAndIso(String value, Duration expected) {
        assertThat(VectorStoreConfig.of(Map.of("D", value)).getDuration("D", Duration.ZERO)).isEqualTo(expected);
    }

    @Test
    void aBadDurationIsReported() {
        assertThatThrownBy(() -> VectorStoreConfig.of(Map.of("T", "soon")).getDuration("T", Duration.ZERO))
                .hasMessageContaining("T is 'soon' but must be a duration");
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
