package io.amprenta.vectorstore.pgvector.internal;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorStoreException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns JDBC failures into the library's exception kinds by SQLState, so that callers can tell "try again"
 * (connection lost, server restarting, too many connections, deadlock) from "fix the setup" (extension, table
 * or column missing, privileges) from "fix the credentials". Messages carry the server's primary message, never
 * its detail lines (which can echo whole rows) and never a password.
 */
public final class SqlErrors {

    private static final String UPGRADE = "Run `vectorstore schema upgrade` (or SchemaManager.upgrade()) with the"
            + " same settings, or apply the SQL of `vectorstore schema sql` with your migration tool.";

    private SqlErrors() {
    }

    /**
     * The library exception for {@code failure}.
     *
     * @param action what was being done, completing "... failed", e.g. {@code "Upsert into public.rag_chunks"}
     * @param table the table concerned as users name it (e.g. {@code public.rag_chunks}), for messages about missing
     *     objects; null when there is none
     */
    public static VectorStoreException translate(SQLException failure, String action, String table) {
        String tableName = table == null ? "the table" : table;
        String state = sqlState(failure);
        String message = action + " failed: " + primaryMessage(failure);
        // Checked first: a pool that cannot log in reports it as a connection timeout carrying the server's SQLState.
        if (state.startsWith("28")) {
            return new AuthenticationException(message + ". Check the user and password in DATABASE_URL (or PGUSER/PGPASSWORD)"
                    + " and pg_hba.conf.", failure);
        }
        if (state.equals("3D000")) {
            return new ConfigurationException(ErrorCode.INVALID_SETTING, message + ". The database named in DATABASE_URL"
                    + " (or PGDATABASE) does not exist; create it or fix the name.", failure);
        }
        if (isConnectionProblem(failure, state)) {
            return new UnavailableException(message + ". PostgreSQL is unreachable, restarting or out of connections;"
                    + " the call was retried and may succeed later. Check that the server runs and that DATABASE_URL"
                    + " (or PGHOST/PGPORT) points to it.", failure);
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return new RetryableException(ErrorCode.UNAVAILABLE, message + ". A concurrent transaction conflicted with"
                    + " this one; it was rolled back and may be repeated.", failure, null);
        }
        if (state.equals("57014")) {
            return new RequestTimeoutException(message + ". The statement ran into statement_timeout (PGVECTOR_STATEMENT_TIMEOUT)"
                    + " or was cancelled. Raise the timeout, or check the plan with EXPLAIN (is the HNSW index used?).", failure);
        }
        if (state.equals("42501")) {
            return new ConfigurationException(ErrorCode.INSUFFICIENT_PRIVILEGE, message + ". The database user lacks a"
                    + " privilege on " + tableName + " or its schema: GRANT SELECT, INSERT, UPDATE, DELETE ON "
                    + tableName + " (and USAGE on the schema) to it, or run schema changes as the table's owner.", failure);
        }
        if (state.equals("42P01")) {
            return new ConfigurationException(ErrorCode.TABLE_MISSING, message + ". The table " + tableName
                    + " does not exist. " + UPGRADE, failure);
        }
        if (state.equals("42703")) {
            return new ConfigurationException(ErrorCode.COLUMN_MISSING, message + ". A column the library needs is missing"
                    + " from " + tableName + ". " + UPGRADE, failure);
        }
        if (state.equals("42704") || state.equals("42883") || state.equals("58P01")) {
            return new ConfigurationException(ErrorCode.VECTOR_EXTENSION_MISSING, message + ". The pgvector extension is"
                    + " not installed in this database (or the embedding column is not a vector). " + UPGRADE, failure);
        }
        if (state.equals("23505")) {
            String detail = detail(failure);
            return new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, message + (detail.isEmpty() ? "" : " (" + detail + ")")
                    + ". The table's own unique constraint " + constraint(failure) + " rejects a record the store keys by"
                    + " (namespace, id): typically the application's primary key is the id alone, so one id cannot live in"
                    + " two namespaces of " + tableName + ". Use one namespace for this table, or make its key"
                    + " (namespace, id).", failure);
        }
        return new VectorStoreException(ErrorCode.BACKEND_ERROR, message + " (SQLState " + state + ").", failure);
    }

    /** Whether {@code failure} means "the connection or the server is not usable right now". */
    public static boolean isConnectionProblem(SQLException failure, String state) {
        return failure instanceof SQLTransientConnectionException
                || state.startsWith("08")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300");
    }

    /** The SQLState, or {@code ""} when the driver gave none. */
    public static String sqlState(SQLException failure) {
        for (SQLException current = failure; current != null; current = current.getNextException()) {
            if (current.getSQLState() != null) {
                return current.getSQLState();
            }
        }
        Throwable cause = failure.getCause();
        return cause instanceof SQLException nested && nested != failure ? sqlState(nested) : "";
    }

    /** The server's primary message without detail lines, or the driver's message. */
    public static String primaryMessage(SQLException failure) {
        if (failure instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        String text = failure.getMessage();
        if (text == null) {
            return failure.getClass().getSimpleName();
        }
        int detail = text.indexOf("\n");
        String first = detail < 0 ? text : text.substring(0, detail);
        first = first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
        // A pool reports "connection not available" and keeps the server's reason as the cause.
        if (failure.getCause() instanceof SQLException cause && cause != failure) {
            return first + " (" + primaryMessage(cause) + ")";
        }
        return first;
    }

    /** The constraint a server error names, or null. */
    public static String constraint(SQLException failure) {
        if (failure instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return psql.getServerErrorMessage().getConstraint();
        }
        return null;
    }

    /** The server's detail line, or {@code ""}; only used where it names key values, never whole rows. */
    private static String detail(SQLException failure) {
        if (failure instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getDetail() != null) {
            return psql.getServerErrorMessage().getDetail();
        }
        return "";
    }

    /** The column a server error names, or null. */
    public static String column(SQLException failure) {
        if (failure instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return psql.getServerErrorMessage().getColumn();
        }
        return null;
    }
}
