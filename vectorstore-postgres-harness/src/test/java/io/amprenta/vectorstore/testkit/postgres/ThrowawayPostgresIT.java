package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class ThrowawayPostgresIT {

    @Test
    void givesAFreshDatabaseWithPgvectorAndDropsItOnClose() throws SQLException {
        String name;
        TestDatabase other;
        try (ThrowawayPostgres postgres = ThrowawayPostgres.start("throwaway-it")) {
            TestDatabase database = postgres.database();
            name = database.databaseName();
            assertThat(database.config()).containsKey("DATABASE_URL");
            assertThat(scalar(database, "SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector")).isEqualTo("1");
            other = database.createAnother();
            assertThat(scalar(other, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")).isEqualTo("1");
        }
        try (ThrowawayPostgres again = ThrowawayPostgres.start("throwaway-it-check")) {
            assertThat(scalar(again.database(), "SELECT count(*) FROM pg_database WHERE datname IN ('" + name + "', '"
                    + other.databaseName() + "')")).isEqualTo("0");
        }
    }

    private static String scalar(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}
