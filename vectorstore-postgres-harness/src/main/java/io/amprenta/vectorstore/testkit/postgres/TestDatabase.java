package io.amprenta.vectorstore.testkit.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A fresh PostgreSQL database with the {@code vector} extension (pgvector >= 0.8) enabled, handed to a test by
 * {@link PostgresExtension}. Every test class gets its own; it is dropped when the class ends. Within the class the
 * same database is injected everywhere (constructor, {@code @BeforeAll}, {@code @BeforeEach}, test methods), so tests
 * that need isolation from each other should use their own tables or {@link #createAnother()}.
 *
 * <p>Connection details come in the forms the library's configuration accepts: {@link #config()} holds
 * {@code DATABASE_URL}, {@link #jdbcUrl()} with {@link #user()} and {@link #password()} suits plain JDBC, and
 * {@link #dataSource()} suits code that takes a {@link DataSource}.
 */
public final class TestDatabase {

    private final ManagedServer server;
    private final PostgresUrl url;
    private final DatabaseScope scope;

    TestDatabase(ManagedServer server, PostgresUrl url, DatabaseScope scope) {
        this.server = server;
        this.url = url;
        this.scope = scope;
    }

    /** {@code jdbc:postgresql://host:port/database}, without credentials; log in with {@link #user()}, {@link #password()}. */
    public String jdbcUrl() {
        return url.jdbcUrl();
    }

    /** The login, allowed to create tables and extensions in this database. */
    public String user() {
        return url.user();
    }

    /** The login's password (may be empty when the external server trusts the user). */
    public String password() {
        return url.password();
    }

    /** The database's name, unique per test class and run. */
    public String databaseName() {
        return url.database();
    }

    /** {@code postgresql://user:password@host:port/database}, percent-encoded: the {@code DATABASE_URL} form. */
    public String databaseUrl() {
        return url.databaseUrl();
    }

    /**
     * Configuration for {@code VectorStores.get(Map)} and the like, pointing at this database: a new, mutable map
     * with {@code DATABASE_URL} set, to which a test adds its own keys ({@code VECTOR_BACKEND},
     * {@code PGVECTOR_DIMENSION}, ...).
     */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("DATABASE_URL", databaseUrl());
        return config;
    }

    /** A new, unpooled {@code org.postgresql.ds.PGSimpleDataSource} for this database; each call returns a new one. */
    public DataSource dataSource() {
        return Jdbc.dataSource(url);
    }

    /** A new connection to this database; the caller closes it. */
    public Connection connection() throws SQLException {
        return dataSource().getConnection();
    }

    /**
     * Another fresh, empty database with pgvector, on the same server and with the same login, for a test that needs
     * a second one (say, a migration source and target). It is dropped when the test class ends.
     */
    public TestDatabase createAnother() {
        return scope.create();
    }

    /** The server this database lives on, to stop or restart it in fault tests. */
    public PostgresServer server() {
        return server;
    }

    /** Names the database and server; never the password. */
    @Override
    public String toString() {
        return "TestDatabase[" + url.database() + " as " + url.user() + " on " + server.host() + ":" + server.port()
                + "]";
    }
}
