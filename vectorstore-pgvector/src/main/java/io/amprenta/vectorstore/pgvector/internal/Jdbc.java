package io.amprenta.vectorstore.pgvector.internal;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;

/** Small JDBC helpers shared by the store, the writer and the schema manager: transactions, binding, type setup. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work. */
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own on a connection from {@code dataSource}: commits when it returns,
     * rolls back when it throws, and gives the connection back in the auto-commit state it came in.
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = open(dataSource)) {
            return inTransaction(connection, work);
        }
    }

    /** Runs {@code work} in a transaction of its own on {@code connection}, which must not be in a transaction. */
    public static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (autoCommit) {
            connection.setAutoCommit(false);
        }
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            if (autoCommit) {
                restoreAutoCommit(connection);
            }
        }
    }

    /** A connection from {@code dataSource} that can send and receive pgvector values in binary. */
    public static Connection open(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            registerVectorType(connection);
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Registers pgvector-java's {@link PGvector} on the physical connection once, so that vectors travel in
     * pgvector's binary format both ways (the driver then sends and receives that type in binary) and come back as
     * {@code PGvector}. Pools hand out the same physical connection many times; the check makes it free after the
     * first.
     */
    public static void registerVectorType(Connection connection) throws SQLException {
        BaseConnection physical = connection.unwrap(BaseConnection.class);
        if (physical.getTypeInfo().getPGobject("vector") != PGvector.class) {
            PGvector.addVectorType(physical);
        }
    }

    /** Binds {@code parameters} to {@code statement} from position {@code first}; returns the next free position. */
    public static int bind(PreparedStatement statement, int first, List<Object> parameters) throws SQLException {
        int index = first;
        for (Object parameter : parameters) {
            if (parameter instanceof String text) {
                statement.setString(index, text);
            } else if (parameter instanceof Double number) {
                statement.setDouble(index, number);
            } else if (parameter instanceof Integer number) {
                statement.setInt(index, number);
            } else if (parameter instanceof Long number) {
                statement.setLong(index, number);
            } else if (parameter instanceof Boolean bool) {
                statement.setBoolean(index, bool);
            } else {
                statement.setObject(index, parameter);
            }
            index++;
        }
        return index;
    }

    /** Sets {@code statement_timeout} for the rest of the current transaction, when {@code timeout} is not zero. */
    public static void applyStatementTimeout(Connection connection, Duration timeout) throws SQLException {
        if (timeout.isZero()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('statement_timeout', ?, true)")) {
            statement.setString(1, timeout.toMillis() + "ms");
            statement.execute();
        }
    }

    /** Executes SQL without parameters. */
    public static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it.
        }
    }
}
