package io.amprenta.vectorstore.testkit.postgres;

import static io.amprenta.vectorstore.testkit.postgres.PostgresExtensionIT.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class StreamingReplicaIT {

    @Test
    void aReplicaFollowsThePrimaryPausesOnDemandAndIsPromoted(ReplicatedDatabase replicated) throws SQLException {
        TestDatabase primary = replicated.primary();
        execute(primary, "CREATE TABLE t (id int PRIMARY KEY, embedding vector(2))", "INSERT INTO t VALUES (1, '[1,2]')");
        Replica replica = replicated.startReplica();

        try (Connection connection = replica.connection()) {
            assertThat(queryString(connection, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(queryString(connection, "SELECT embedding::text FROM t WHERE id = 1")).isEqualTo("[1,2]");
            assertThatThrownBy(() -> queryString(connection, "INSERT INTO t VALUES (9, '[0,0]') RETURNING id"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
        }

        replica.pauseReplay();
        execute(primary, "INSERT INTO t VALUES (2, '[3,4]')");
        try (Connection connection = replica.connection()) {
            assertThat(queryString(connection, "SELECT count(*) FROM t")).isEqualTo("1");
        }
        replica.resumeReplay();
        replica.awaitReplay();
        try (Connection connection = replica.connection()) {
            assertThat(queryString(connection, "SELECT count(*) FROM t")).isEqualTo("2");
        }

        replica.stop();
        assertThatThrownBy(replica::connection).isInstanceOf(SQLException.class);
        execute(primary, "INSERT INTO t VALUES (3, '[5,6]')");
        replica.start();
        replica.awaitReplay();
        try (Connection connection = replica.connection()) {
            assertThat(queryString(connection, "SELECT count(*) FROM t")).isEqualTo("3");
        }

        replica.promote();
        try (Connection connection = replica.connection()) {
            assertThat(queryString(connection, "SELECT pg_is_in_recovery()")).isEqualTo("f");
            assertThat(queryString(connection, "INSERT INTO t VALUES (4, '[7,8]') RETURNING id")).isEqualTo("4");
        }
    }

    private static void execute(TestDatabase db, String... statements) throws SQLException {
        try (Connection connection = db.connection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
