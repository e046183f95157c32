package io.amprenta.vectorstore.pgvector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorStoreException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    private static final String TABLE = "public.rag_chunks";

    private static VectorStoreException translate(String state) {
        return SqlErrors.translate(new SQLException("boom", state), "Query of public.rag_chunks", TABLE);
    }

    @Test
    void connectionTroubleIsRetryable() {
        for (String state : new String[] {"08006", "08001", "57P01", "57P03", "53300"}) {
            assertThat(translate(state)).as(state).isInstanceOf(UnavailableException.class)
                    .satisfies(e -> assertThat(e.isRetryable()).isTrue());
        }
        assertThat(translate("40P01").isRetryable()).isTrue();
        assertThat(translate("40001").isRetryable()).isTrue();
    }

    @Test
    void aPoolTimeoutCarryingAnAuthenticationFailureIsNotRetried() {
        SQLException pool = new SQLTransientConnectionException("Connection is not available", "28P01",
                new SQLException("password authentication failed for user \"app\"", "28P01"));

        VectorStoreException e = SqlErrors.translate(pool, "Connecting", null);

        assertThat(e).isInstanceOf(AuthenticationException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("password authentication failed").contains("DATABASE_URL");
    }

    @Test
    void setupProblemsNameTheFix() {
        assertThat(translate("57014")).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("PGVECTOR_STATEMENT_TIMEOUT");
        assertThat(translate("42501").code()).isEqualTo(ErrorCode.INSUFFICIENT_PRIVILEGE);
        assertThat(translate("42P01")).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TABLE_MISSING)).hasMessageContaining("schema upgrade");
        assertThat(translate("42703").code()).isEqualTo(ErrorCode.COLUMN_MISSING);
        assertThat(translate("42704").code()).isEqualTo(ErrorCode.VECTOR_EXTENSION_MISSING);
        assertThat(translate("58P01").code()).isEqualTo(ErrorCode.VECTOR_EXTENSION_MISSING);
        assertThat(translate("23505").code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT);
        assertThat(translate("3D000").code()).isEqualTo(ErrorCode.INVALID_SETTING);
        assertThat(translate("XX000")).satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_ERROR))
                .hasMessageContaining("XX000").hasMessageContaining("boom");
    }
}
