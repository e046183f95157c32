package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"rag_chunks; DROP TABLE users", "rag\"chunks", "rag'chunks", "rag chunks", "1chunks",
            "rag-chunks", "", "ünïcode", "rag_chunks--"})
    void namesThatCouldBreakOutOfQuotesAreRejectedNamingTheSetting(String name) {
        assertThatThrownBy(() -> Identifiers.require("PGVECTOR_TABLE", name))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING))
                .hasMessageContaining("PGVECTOR_TABLE");
    }

    @Test
    void aSchemaQualifiedNameGetsAHint() {
        assertThatThrownBy(() -> Identifiers.require("PGVECTOR_TABLE", "app.rag_chunks")).hasMessageContaining("PGVECTOR_SCHEMA");
    }

    @Test
    void plainNamesPassAndAreQuoted() {
        assertThat(Identifiers.require("PGVECTOR_TABLE", "RagChunks_2")).isEqualTo("RagChunks_2");
        assertThat(Identifiers.quote("RagChunks_2")).isEqualTo("\"RagChunks_2\"");
        assertThatThrownBy(() -> Identifiers.require("PGVECTOR_TABLE", "x".repeat(64))).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void derivedNamesStayWithinPostgresLimitAndDistinct() {
        String a = Identifiers.derived("a".repeat(63), "embedding_hnsw");
        String b = Identifiers.derived("a".repeat(62) + "b", "embedding_hnsw");

        assertThat(a.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(a).endsWith("_embedding_hnsw").isNotEqualTo(b);
        assertThat(Identifiers.derived("rag_chunks", "vs_key")).isEqualTo("rag_chunks_vs_key");
    }
}
