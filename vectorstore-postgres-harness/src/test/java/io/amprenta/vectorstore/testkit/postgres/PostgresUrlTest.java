package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness's view of a URL: its defaults and its rendering. Parsing itself (forms, percent-decoding, passwords never
 * echoed) is the shared parser's, tested in vectorstore-api's {@code internal.PostgresUrlTest}.
 */
class PostgresUrlTest {

    @Test
    void parsesTheDatabaseUrlForm() {
        PostgresUrl url = PostgresUrl.parse("postgresql://alice:secret@db.example:6543/rag?sslmode=require");

        assertThat(url.host()).isEqualTo("db.example");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("rag");
        assertThat(url.user()).isEqualTo("alice");
        assertThat(url.password()).isEqualTo("secret");
        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "require"));
    }

    @Test
    void parsesTheJdbcFormWithCredentialsAsParameters() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://10.0.0.5:5433/vectors?user=bob&password=p%40ss&sslmode=disable");

        assertThat(url.host()).isEqualTo("10.0.0.5");
        assertThat(url.port()).isEqualTo(5433);
        assertThat(url.database()).isEqualTo("vectors");
        assertThat(url.user()).isEqualTo("bob");
        assertThat(url.password()).isEqualTo("p@ss");
        // Credentials are not connection options; they must not leak into the JDBC URL.
        assertThat(url.parameters()).containsExactly(Map.entry("sslmode", "disable"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.5:5433/vectors?sslmode=disable");
    }

    @Test
    void acceptsThePostgresSchemeAndUppercaseJdbcPrefix() {
        assertThat(PostgresUrl.parse("postgres://u:p@h/d").host()).isEqualTo("h");
        assertThat(PostgresUrl.parse("JDBC:postgresql://h:1/d").port()).isEqualTo(1);
    }

    @Test
    void missingPortMeans5432AndMissingDatabaseMeansPostgres() {
        PostgresUrl url = PostgresUrl.parse("postgresql://user:pw@somehost");

        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.database()).isEqualTo("postgres");
        assertThat(PostgresUrl.parse("jdbc:postgresql://somehost/db?user=u").port()).isEqualTo(5432);
        assertThat(PostgresUrl.parse("postgresql://user@somehost:/db").port()).isEqualTo(5432);
    }

    @Test
    void missingPasswordIsEmpty() {
        PostgresUrl url = PostgresUrl.parse("postgresql://user@host/db");

        assertThat(url.password()).isEmpty();
        assertThat(url.databaseUrl()).isEqualTo("postgresql://user@host:5432/db");
    }

    @Test
    void parsesBracketedIpv6Hosts() {
        PostgresUrl url = PostgresUrl.parse("postgresql://u:p@[::1]:7000/db");

        assertThat(url.host()).isEqualTo("::1");
        assertThat(url.port()).isEqualTo(7000);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:7000/db");
    }

    @Test
    void databaseUrlRoundTripsAwkwardCredentials() {
        PostgresUrl original = new PostgresUrl("h", 5432, "my db", "us:er", "p@ss w/rd+%?&=é", Map.of("sslmode", "require"));

        String text = original.databaseUrl();
        PostgresUrl parsed = PostgresUrl.parse(text);

        assertThat(text).startsWith("postgresql://us%3Aer:p%40ss%20w%2Frd%2B%25%3F%26%3D%C3%A9@h:5432/my%20db");
        assertThat(parsed).isEqualTo(original);
    }

    @Test
    void toStringAndRedactNeverShowThePassword() {
        PostgresUrl url = PostgresUrl.parse("postgresql://alice:hunter2@host/db");

        assertThat(url.toString()).doesNotContain("hunter2").contains("alice");
        assertThat(PostgresUrl.redact("postgresql://alice:hunter2@host/db")).doesNotContain("hunter2");
        assertThat(PostgresUrl.redact("jdbc:postgresql://host/db?user=a&password=hunter2")).doesNotContain("hunter2");
    }
}
