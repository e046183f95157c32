package io.amprenta.vectorstore.testkit.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases of one test class: created on demand with pgvector enabled, all dropped when the class ends.
 * Implements AutoCloseable so JUnit closes it with the class's extension store even if the extension's afterAll is
 * not reached.
 */
final class DatabaseScope implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseScope.class);

    static final String MIN_PGVECTOR = "0.8";
    private static final int MAX_CLASS_PART = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ManagedServer server;
    private final String namePrefix;
    private final List<String> created = new ArrayList<>();
    private TestDatabase primary;
    private RuntimeException primaryFailure;
    private boolean closed;

    DatabaseScope(ManagedServer server, String owner) {
        this.server = server;
        this.namePrefix = "vs_" + sanitize(owner) + "_";
    }

    /** The class's database, the one the extension injects everywhere in that class. */
    synchronized TestDatabase primary() {
        if (primaryFailure != null) {
            // Every test of the class would fail the same way; do not pay for CREATE DATABASE again each time.
            throw new IllegalStateException(primaryFailure.getMessage(), primaryFailure);
        }
        if (primary == null) {
            try {
                primary = create();
            } catch (RuntimeException e) {
                primaryFailure = e;
                throw e;
            }
        }
        return primary;
    }

    /** Another fresh, empty database with pgvector, dropped with the others when the class ends. */
    synchronized TestDatabase create() {
        if (closed) {
            throw new IllegalStateException("The test class these databases belong to has already finished.");
        }
        String name = uniqueName();
        PostgresUrl admin = server.adminUrl();
        try (Connection connection = Jdbc.connect(admin); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + quoteIdentifier(name));
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new IllegalStateException("User '" + admin.user() + "' may not create databases on " + server
                        + ". The harness gives each test class its own database, so it needs that right: run ALTER ROLE "
                        + quoteIdentifier(admin.user()) + " CREATEDB as a superuser, or put a user that has it into "
                        + Settings.TEST_DATABASE_URL + ".", e);
            }
            throw new IllegalStateException("CREATE DATABASE " + name + " failed on " + server + ": "
                    + sentence(e.getMessage()), e);
        }
        created.add(name);
        PostgresUrl url = admin.withDatabase(name);
        enablePgvector(url);
        return new TestDatabase(server, url, this);
    }

    private void enablePgvector(PostgresUrl url) {
        String version;
        try (Connection connection = Jdbc.connect(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS vector");
            try (ResultSet rs = statement.executeQuery(
                    "SELECT extversion FROM pg_extension WHERE extname = 'vector'")) {
                rs.next();
                version = rs.getString(1);
            }
        } catch (SQLException e) {
            String why = "42501".equals(e.getSQLState())
                    ? " User '" + url.user() + "' may not create the extension: use a superuser, or run CREATE EXTENSION"
                            + " vector in template1 once as a superuser so every new database has it."
                    : " " + server.pgvectorHint();
            throw new IllegalStateException("The 'vector' extension (pgvector) could not be enabled on " + server + ": "
                    + sentence(e.getMessage()) + why, e);
        }
        if (PostgresBinaries.compareVersions(version, MIN_PGVECTOR) < 0) {
            throw new IllegalStateException("pgvector " + version + " on " + server + " is older than " + MIN_PGVECTOR
                    + ", which the library needs (iterative index scans). " + server.pgvectorHint());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (created.isEmpty()) {
            return;
        }
        try {
            // A test may have stopped the shared server and failed before starting it again; later classes need it.
            server.ensureRunning();
        } catch (RuntimeException e) {
            LOG.warn("Could not start the PostgreSQL test server again to drop {}: {}", created, e.getMessage());
            return;
        }
        try (Connection connection = Jdbc.connect(server.adminUrl());
             Statement statement = connection.createStatement()) {
            for (String name : created) {
                try {
                    // FORCE: a test may leave connections (a pool, a leaked Connection) open.
                    statement.execute("DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
                } catch (SQLException e) {
                    LOG.warn("Could not drop test database {} on {}: {}", name, server, e.getMessage());
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not connect to {} to drop test databases {}: {}", server, created, e.getMessage());
        }
    }

    /** The server's message ending in exactly one period, so our advice can follow it. */
    private static String sentence(String message) {
        String trimmed = message == null ? "" : message.strip();
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }

    private String uniqueName() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return namePrefix + HexFormat.of().formatHex(bytes);
    }

    /** Keeps database names readable in psql and logs (which class made it) while staying plain identifiers. */
    static String sanitize(String owner) {
        String simple = owner.substring(owner.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (simple.isEmpty()) {
            simple = "test";
        }
        return simple.length() > MAX_CLASS_PART ? simple.substring(0, MAX_CLASS_PART) : simple;
    }

    static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
