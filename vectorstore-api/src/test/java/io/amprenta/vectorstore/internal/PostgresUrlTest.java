package io.amprenta.vectorstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresUrlTest {

    @Test
    void parsesLibpqsForm() {
        PostgresUrl url = PostgresUrl.parse("postgresql://alice:secret@db.example:6543/rag?sslmode=require");

        assertThat(url.jdbcForm()).isFalse();
        assertThat(url.hosts()).containsExactly(new PostgresUrl.Host("db.example", OptionalInt.of(6543)));
        assertThat(url.database()).isEqualTo("rag");
        assertThat(url.user()).isEqualTo("alice");
        assertThat(url.password()).isEqualTo("secret");
        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "require"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql+psycopg2://", "postgresql+psycopg://", "postgresql+asyncpg://", "postgres://",
            "POSTGRESQL+PG8000://"})
    void acceptsTheFormsPythonStacksWriteIgnoringTheDriver(String scheme) {
        PostgresUrl url = PostgresUrl.parse(scheme + "app:pw@db:5432/rag");

        assertThat(url.jdbcForm()).isFalse();
        assertThat(url.authority()).isEqualTo("db:5432");
        assertThat(url.database()).isEqualTo("rag");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("pw");
    }

    @Test
    void parsesTheJdbcFormWithCredentialsAsParameters() {
        PostgresUrl url = PostgresUrl.parse("JDBC:postgresql://10.0.0.5:5433/vectors?user=bob&password=p%40ss&sslmode=disable");

        assertThat(url.jdbcForm()).isTrue();
        assertThat(url.authority()).isEqualTo("10.0.0.5:5433");
        assertThat(url.user()).isEqualTo("bob");
        assertThat(url.password()).isEqualTo("p@ss");
        // Credentials are not connection options.
        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "disable"));
    }

    @Test
    void readsSeveralHostsAndIpv6Addresses() {
        PostgresUrl url = PostgresUrl.parse("postgresql://u@primary:5432,[::1]:5433,replica/db");

        assertThat(url.hosts()).extracting(PostgresUrl.Host::name).containsExactly("primary", "::1", "replica");
        assertThat(url.authority()).isEqualTo("primary:5432,[::1]:5433,replica");
    }

    @Test
    void decodesPercentEncodingWithoutTurningPlusIntoSpace() {
        PostgresUrl url = PostgresUrl.parse("postgresql://us%65r:p%40ss%3Aw%2Frd+%25%C3%A9@host/db");

        assertThat(url.user()).isEqualTo("user");
        assertThat(url.password()).isEqualTo("p@ss:w/rd+%é");
    }

    @Test
    void anUnencodedAtSignInThePasswordStillParses() {
        PostgresUrl url = PostgresUrl.parse("postgresql://user:p@ss@host:5000/db");

        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.authority()).isEqualTo("host:5000");
    }

    @Test
    void aSocketUrlHasNoHost() {
        assertThat(PostgresUrl.parse("postgresql:///db").hasHost()).isFalse();
        assertThat(PostgresUrl.parse("postgresql://h/db").hasHost()).isTrue();
    }

    @Test
    void errorsAndToStringNeverShowThePassword() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://u:hunter2@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PostgreSQL URL").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://u:hunter2@h:99999/db"))
                .hasMessageContaining("99999").hasMessageNotContaining("hunter2");
        assertThat(PostgresUrl.parse("postgresql+psycopg2://u:hunter2@h/db").toString())
                .doesNotContain("hunter2").isEqualTo("postgresql://u:****@h/db");
        assertThat(PostgresUrl.redact("jdbc:postgresql://h/db?user=u&password=hunter2")).doesNotContain("hunter2");
    }
}
