package io.amprenta.vectorstore.testkit.postgres;

import static io.amprenta.vectorstore.testkit.postgres.PostgresExtensionIT.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ServerRestartIT {

    @Test
    void restartKeepsCommittedDataAndNewConnectionsWork(TestDatabase db) throws SQLException {
        PostgresServer server = db.server();
        assumeFalse(server.isExternal(), "the harness cannot restart an external server");
        int port = server.port();

        Connection before = db.connection();
        try (Statement statement = before.createStatement()) {
            statement.execute("CREATE TABLE kept (id int PRIMARY KEY, embedding vector(2))");
            statement.execute("INSERT INTO kept VALUES (1, '[1,2]'), (2, '[3,4]')");
        }
        // An open connection lets us see that the server really went away and came back.
        String pidBefore = queryString(before, "SELECT pg_backend_pid()");

        server.restart();

        assertThat(server.isRunning()).isTrue();
        assertThat(server.port()).isEqualTo(port);
        assertThatThrownBy(() -> queryString(before, "SELECT 1")).isInstanceOf(SQLException.class);
        before.close();
        try (Connection after = db.connection()) {
            assertThat(queryString(after, "SELECT count(*) FROM kept")).isEqualTo("2");
            assertThat(queryString(after, "SELECT embedding::text FROM kept WHERE id = 2")).isEqualTo("[3,4]");
            assertThat(queryString(after, "SELECT pg_backend_pid()")).isNotEqualTo(pidBefore);
        }
    }

    @Test
    void aStoppedServerRefusesConnectionsUntilStarted(TestDatabase db) throws SQLException {
        PostgresServer server = db.server();
        assumeFalse(server.isExternal(), "the harness cannot stop an external server");

        server.stop();
        try {
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(db::connection).isInstanceOf(SQLException.class);
            server.stop(); // stopping twice is harmless
        } finally {
            server.start();
        }

        try (Connection connection = db.connection()) {
            assertThat(queryString(connection, "SELECT 1")).isEqualTo("1");
        }
    }
}
