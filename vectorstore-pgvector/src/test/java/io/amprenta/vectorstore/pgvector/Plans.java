package io.amprenta.vectorstore.pgvector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

/** EXPLAIN of the exact SQL a store runs, with its settings, for tests that check which index a query uses. */
final class Plans {

    private Plans() {
    }

    /** The plan of {@code statement} after its settings and {@code extraSettings} (e.g. {@code SET enable_seqscan = off}). */
    static String explain(DataSource dataSource, SearchStatement statement, String... extraSettings) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement settings = connection.createStatement()) {
                for (Map.Entry<String, String> setting : statement.settings().entrySet()) {
                    settings.execute("SELECT set_config('" + setting.getKey() + "', '" + setting.getValue() + "', true)");
                }
                for (String extra : extraSettings) {
                    settings.execute(extra);
                }
            }
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + statement.sql())) {
                for (int i = 0; i < statement.parameters().size(); i++) {
                    explain.setObject(i + 1, statement.parameters().get(i));
                }
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
            }
            connection.rollback();
            return plan.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
