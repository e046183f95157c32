package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSpecTest {

    private static ConnectionSpec spec(Map<String, String> config) {
        return ConnectionSpec.fromConfig(VectorStoreConfig.of(config));
    }

    @Test
    void aPostgresqlUrlBecomesAJdbcUrlWithoutTheCredentials() {
        ConnectionSpec spec = spec(Map.of("DATABASE_URL",
                "postgresql://app%40corp:p%40ss%3Aw%2Frd@db.example.com:6543/rag?sslmode=require&application_name=indexer"));

        assertThat(spec.user()).isEqualTo("app@corp");
        assertThat(spec.password()).isEqualTo("p@ss:w/rd");
        assertThat(spec.jdbcUrl()).startsWith("jdbc:postgresql://db.example.com:6543/rag?")
                .contains("sslmode=require").contains("ApplicationName=indexer").doesNotContain("p%40ss").doesNotContain("p@ss");
        assertThat(spec.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
    }

    @Test
    void postgresSchemeAndJdbcUrlsWork() {
        assertThat(spec(Map.of("DATABASE_URL", "postgres://u:pw@h/db")).jdbcUrl()).startsWith("jdbc:postgresql://h/db");
        ConnectionSpec jdbc = spec(Map.of("DATABASE_URL", "jdbc:postgresql://h:5433/db?user=u&password=secret&sslmode=disable"));
        assertThat(jdbc.user()).isEqualTo("u");
        assertThat(jdbc.password()).isEqualTo("secret");
        assertThat(jdbc.jdbcUrl()).doesNotContain("secret").contains("sslmode=disable");
    }

    @Test
    void theUrlsOfPythonStacksWorkWithTheDriverSuffixIgnored() {
        ConnectionSpec spec = spec(Map.of("DATABASE_URL", "postgresql+psycopg2://app:s3cret@db:5432/rag?sslmode=require"));

        assertThat(spec.jdbcUrl()).startsWith("jdbc:postgresql://db:5432/rag?").contains("sslmode=require");
        assertThat(spec.user()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo("s3cret");
        assertThat(spec.toString()).doesNotContain("s3cret");
        assertThat(spec(Map.of("DATABASE_URL", "postgresql+asyncpg://app@db/rag")).jdbcUrl()).startsWith("jdbc:postgresql://db/rag");
    }

    @Test
    void libpqVariablesFillWhatTheUrlLeavesOut() {
        ConnectionSpec fromUrl = spec(Map.of("DATABASE_URL", "postgresql://u@h:5432/db", "PGPASSWORD", "from-env", "PGSSLMODE", "verify-full"));
        assertThat(fromUrl.password()).isEqualTo("from-env");
        assertThat(fromUrl.jdbcUrl()).contains("sslmode=verify-full");

        ConnectionSpec libpq = spec(Map.of("PGHOST", "pg.internal", "PGPORT", "6000", "PGUSER", "svc", "PGDATABASE", "vectors"));
        assertThat(libpq.jdbcUrl()).startsWith("jdbc:postgresql://pg.internal:6000/vectors");
        assertThat(libpq.user()).isEqualTo("svc");
        assertThat(libpq.password()).isNull();
    }

    @Test
    void missingOrUnusableSettingsAreNamed() {
        assertThatThrownBy(() -> spec(Map.of()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_SETTING))
                .hasMessageContaining("DATABASE_URL");
        assertThatThrownBy(() -> spec(Map.of("DATABASE_URL", "mysql://u:hunter2@h/db")))
                .hasMessageContaining("DATABASE_URL").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> spec(Map.of("DATABASE_URL", "postgresql://u:pw@/db")))
                .hasMessageContaining("Unix-domain");
        assertThatThrownBy(() -> spec(Map.of("PGHOST", "/var/run/postgresql")))
                .hasMessageContaining("PGHOST").hasMessageContaining("Unix-domain");
    }

    @Test
    void sessionSettingsJoinTheStartupOptions() {
        ConnectionSpec spec = spec(Map.of("DATABASE_URL", "postgresql://u@h/db?options=-c%20search_path%3Dapp"))
                .withSessionSettings(Map.of("hnsw.ef_search", "100"));

        assertThat(spec.jdbcUrl()).contains("options=-c+search_path%3Dapp+-c+hnsw.ef_search%3D100");
    }

    private static ConnectionSpec.Routing routing(Map<String, String> config) {
        return ConnectionSpec.routing(VectorStoreConfig.of(config));
    }

    @Test
    void withoutReplicasEverythingGoesToTheOneUrl() {
        ConnectionSpec.Routing routing = routing(Map.of("DATABASE_URL", "postgresql://u:pw@primary:5432/rag"));

        assertThat(routing.writes().jdbcUrl()).startsWith("jdbc:postgresql://primary:5432/rag");
        assertThat(routing.reads()).isEmpty();
        assertThat(routing.replicas()).isEmpty();
        // A multi-host URL that does not ask for a standby is PgJDBC's failover list, used for everything.
        assertThat(routing(Map.of("DATABASE_URL", "postgresql://u@a:5432,b:5432/rag?target_session_attrs=read-write"))
                .reads()).isEmpty();
    }

    @Test
    void listedReplicasServeReadsWithThePrimaryAsTheLastResortInPgJdbcsOwnHostChoice() {
        ConnectionSpec.Routing routing = routing(Map.of(
                "DATABASE_URL", "postgresql://u:s3cret@primary:5432/rag?sslmode=require",
                "PGVECTOR_READ_REPLICA_URLS", "postgresql://replica1:5433, jdbc:postgresql://replica2:5434/rag,"
                        + "postgres://u:s3cret@replica3,replica4:6000/rag"));

        assertThat(routing.writes().jdbcUrl()).startsWith("jdbc:postgresql://primary:5432/rag?")
                .doesNotContain("targetServerType");
        String reads = routing.reads().orElseThrow().jdbcUrl();
        assertThat(reads).startsWith("jdbc:postgresql://replica1:5433,replica2:5434,replica3,replica4:6000,primary:5432/rag?")
                .contains("targetServerType=preferSecondary").contains("loadBalanceHosts=true").contains("sslmode=require")
                .doesNotContain("s3cret");
        assertThat(routing.reads().orElseThrow().password()).isEqualTo("s3cret");
        assertThat(routing.replicas()).extracting(ConnectionSpec::hosts)
                .containsExactly("replica1:5433", "replica2:5434", "replica3", "replica4:6000", "primary:5432");
        assertThat(routing.replicas().get(0).jdbcUrl()).doesNotContain("targetServerType").contains("sslmode=require");
    }

    @Test
    void aMultiHostUrlAskingForAStandbyReadsThereAndWritesToThePrimaryOfTheSameHosts() {
        ConnectionSpec.Routing routing = routing(Map.of("DATABASE_URL",
                "postgresql://u@a:5432,b:5433/rag?target_session_attrs=prefer-standby&loadBalanceHosts=true"));

        assertThat(routing.writes().jdbcUrl()).startsWith("jdbc:postgresql://a:5432,b:5433/rag?")
                .contains("targetServerType=primary");
        assertThat(routing.reads().orElseThrow().jdbcUrl()).contains("targetServerType=preferSecondary")
                .contains("loadBalanceHosts=true");
        assertThat(routing.replicas()).extracting(ConnectionSpec::hosts).containsExactly("a:5432", "b:5433");
        assertThat(PgDataSources.describe(VectorStoreConfig.of(Map.of("DATABASE_URL",
                "jdbc:postgresql://a,b/rag?targetServerType=secondary")))).contains("targetServerType=primary");
    }

    @Test
    void replicaEntriesThatCannotBeReplicasOfThePrimaryAreRefusedByKey() {
        String primary = "postgresql://u:s3cret@primary:5432/rag";
        for (String entry : new String[] {"postgresql://replica/other", "postgresql://someone@replica/rag",
                "postgresql://u:wrong@replica/rag", "postgresql://replica/rag?sslmode=disable", "not a url",
                "postgresql:///rag"}) {
            assertThatThrownBy(() -> routing(Map.of("DATABASE_URL", primary, "PGVECTOR_READ_REPLICA_URLS", entry)))
                    .as(entry).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("PGVECTOR_READ_REPLICA_URLS").hasMessageNotContaining("s3cret")
                    .hasMessageNotContaining("wrong")
                    .satisfies(e -> assertThat(((ConfigurationException) e).code()).isEqualTo(ErrorCode.INVALID_SETTING));
        }
    }
}
