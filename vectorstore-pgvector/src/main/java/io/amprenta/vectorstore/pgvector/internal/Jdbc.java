package io.amprenta.vectorstore.pgvector.internal;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;

/**
 * The one way the project runs SQL on a connection: a {@link Statement} (SQL plus its parameters) executed, or read
 * row by row with a {@link RowMapper}, inside {@link Work} that {@link Database} runs in a transaction; plus the
 * transaction and type setup that work needs.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work. */
        T run(Connection connection) throws SQLException;
    }

    /** Turns the current row of a result into a value. */
    @FunctionalInterface
    public interface RowMapper<T> {
        /** The value of the current row. */
        T map(ResultSet row) throws SQLException;
    }

    /**
     * A statement with {@code ?} placeholders and their values in order (bound as by {@link #bind}).
     *
     * @param sql the SQL
     * @param parameters the values of the placeholders
     */
    public record Statement(String sql, List<Object> parameters) {

        /** Copies the parameters (which may contain nulls). */
        public Statement {
            Objects.requireNonNull(sql, "sql");
            parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
        }

        /** A statement with these parameters. */
        public static Statement of(String sql, Object... parameters) {
            return new Statement(sql, Arrays.asList(parameters));
        }
    }

    /** Every row of {@code statement}'s result, mapped. */
    public static <T> List<T> list(Connection connection, Statement statement, RowMapper<T> mapper) throws SQLException {
        List<T> values = new ArrayList<>();
        try (PreparedStatement prepared = prepare(connection, statement); ResultSet rows = prepared.executeQuery()) {
            while (rows.next()) {
                values.add(mapper.map(rows));
            }
        }
        return values;
    }

    /** The first row of {@code statement}'s result, mapped; empty when there is none. */
    public static <T> Optional<T> first(Connection connection, Statement statement, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statement); ResultSet rows = prepared.executeQuery()) {
            return rows.next() ? Optional.ofNullable(mapper.map(rows)) : Optional.empty();
        }
    }

    /** Executes {@code statement}; returns the update count (0 for statements without one). */
    public static int update(Connection connection, Statement statement) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statement)) {
            return prepared.execute() ? 0 : Math.max(prepared.getUpdateCount(), 0);
        }
    }

    /** Executes {@code statement}, ignoring what it returns. */
    public static void execute(Connection connection, Statement statement) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statement)) {
            prepared.execute();
        }
    }

    /** {@code statement} prepared on {@code connection} with its parameters bound. */
    public static PreparedStatement prepare(Connection connection, Statement statement) throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(statement.sql());
        try {
            bind(prepared, 1, statement.parameters());
            return prepared;
        } catch (SQLException | RuntimeException e) {
            prepared.close();
            throw e;
        }
    }

    /**
     * Runs {@code work} in a transaction of its own on a connection from {@code dataSource}: commits when it returns,
     * rolls back when it throws, and gives the connection back in the auto-commit state it came in. No retries and no
     * translation: for callers with their own ({@link Database} has both).
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, work);
        }
    }

    /** Runs {@code work} on a connection of its own from {@code dataSource}, in auto-commit mode. */
    public static <T> T withConnection(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
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

    /**
     * Binds {@code parameters} to {@code statement} from position {@code first}; returns the next free position. A
     * {@code String[]} is bound as a {@code text[]}.
     */
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
            } else if (parameter instanceof String[] texts) {
                statement.setArray(index, statement.getConnection().createArrayOf("text", texts));
            } else {
                statement.setObject(index, parameter);
            }
            index++;
        }
        return index;
    }

    /** Executes SQL without parameters. */
    public static void execute(Connection connection, String sql) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement()) {
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
