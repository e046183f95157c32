package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {

    private static String seenInBeforeAll;
    private final TestDatabase fromConstructor;
    private String seenInBeforeEach;

    PostgresExtensionIT(TestDatabase db) {
        this.fromConstructor = db;
    }

    @BeforeAll
    static void beforeAll(TestDatabase db) {
        seenInBeforeAll = db.databaseName();
    }

    @BeforeEach
    void beforeEach(TestDatabase db) {
        seenInBeforeEach = db.databaseName();
    }

    @Test
    void everyInjectionPointOfTheClassGetsTheSameDatabase(TestDatabase db) {
        assertThat(db.databaseName())
                .isEqualTo(fromConstructor.databaseName())
                .isEqualTo(seenInBeforeAll)
                .isEqualTo(seenInBeforeEach)
                .startsWith("vs_postgresextensionit_");
    }

    @Test
    void theDatabaseHasPgvectorAtLeast08(TestDatabase db) throws SQLException {
        try (Connection connection = db.connection()) {
            assertThat(queryString(connection, "SELECT current_database()")).isEqualTo(db.databaseName());
            String version = queryString(connection, "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
            assertThat(version).isNotNull();
            assertThat(PostgresBinaries.compareVersions(version, "0.8")).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void vectorsWork(TestDatabase db) throws SQLException {
        try (Connection connection = db.connection(); Statement statement = connection.createStatement()) {
            assertThat(queryString(connection, "SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector")).isEqualTo("1");

            statement.execute("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))");
            statement.execute("INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')");
            statement.execute("CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops)");
            List<Integer> ids = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT id FROM items ORDER BY embedding <=> '[1,0,0]' LIMIT 2")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            assertThat(ids).containsExactly(1, 3);
        }
    }

    @Test
    void theConfigUrlCarriesWorkingCredentials(TestDatabase db) throws SQLException {
        String databaseUrl = db.config().get("DATABASE_URL");
        assertThat(databaseUrl).isEqualTo(db.databaseUrl()).startsWith("postgresql://");

        PostgresUrl parsed = PostgresUrl.parse(databaseUrl);
        assertThat(parsed.database()).isEqualTo(db.databaseName());
        try (Connection connection = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password())) {
            assertThat(queryString(connection, "SELECT current_user")).isEqualTo(db.user());
        }
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            assertThat(queryString(connection, "SELECT current_database()")).isEqualTo(db.databaseName());
        }
    }

    @Test
    void theThrowawayServerChecksPasswordsLikeAProductionServer(TestDatabase db) {
        assumeFalse(db.server().isExternal(), "an external server's authentication is its own business");

        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "wrong-" + db.password()).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void createAnotherGivesAFreshEmptyDatabaseWithPgvector(TestDatabase db) throws SQLException {
        try (Connection connection = db.connection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE only_in_first (id int)");
        }

        TestDatabase other = db.createAnother();

        assertThat(other.databaseName()).isNotEqualTo(db.databaseName());
        assertThat(other.user()).isEqualTo(db.user());
        try (Connection connection = other.connection()) {
            assertThat(queryString(connection, "SELECT current_database()")).isEqualTo(other.databaseName());
            assertThat(queryString(connection,
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"))
                    .isEqualTo("0");
            assertThat(queryString(connection, "SELECT extname FROM pg_extension WHERE extname = 'vector'"))
                    .isEqualTo("vector");
            assertThat(queryString(connection, "SELECT '[0,0]'::vector <-> '[3,4]'::vector")).isEqualTo("5");
        }
    }

    @Test
    void toStringDoesNotRevealThePassword(TestDatabase db) {
        assumeFalse(db.password().isEmpty());

        assertThat(db.toString()).contains(db.databaseName()).doesNotContain(db.password());
    }

    static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }
}
