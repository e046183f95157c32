package io.amprenta.vectorstore.testkit.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A server the user runs ({@code VECTORSTORE_TEST_DATABASE_URL}): the harness only creates and drops databases on it. */
final class ExternalServer implements ManagedServer {

    private final PostgresUrl url;
    private final String version;

    private ExternalServer(PostgresUrl url, String version) {
        this.url = url;
        this.version = version;
    }

    static ExternalServer connect(PostgresUrl url) {
        try (Connection connection = Jdbc.connect(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return new ExternalServer(url, rs.getString(1).split(" ")[0]);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to " + Settings.TEST_DATABASE_URL + " (" + url + "): "
                    + e.getMessage() + ". Fix the URL or the server, or unset it to let the harness start its own"
                    + " PostgreSQL.", e);
        }
    }

    @Override
    public String host() {
        return url.host();
    }

    @Override
    public int port() {
        return url.port();
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean isExternal() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return true;
    }

    @Override
    public void stop() {
        throw unsupported("stop");
    }

    @Override
    public void start() {
        throw unsupported("start");
    }

    @Override
    public void restart() {
        throw unsupported("restart");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("Cannot " + what + " the PostgreSQL server at " + url.host() + ":"
                + url.port() + ": it comes from " + Settings.TEST_DATABASE_URL + " and the harness does not control"
                + " it. Tests that need this should skip when server().isExternal() is true.");
    }

    @Override
    public PostgresUrl adminUrl() {
        return url;
    }

    @Override
    public String pgvectorHint() {
        return "Install pgvector >= 0.8 on the server at " + url.host() + ":" + url.port()
                + " (the postgresql-NN-pgvector package, or scripts/install-postgres on that machine), or unset "
                + Settings.TEST_DATABASE_URL + " so the harness starts its own server.";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " at " + url.host() + ":" + url.port() + " (external)";
    }
}
