package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorStoreException;
import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Turns the migrator's own SQL failures (progress bookkeeping, transactions) into our exception kinds,
 * so that a PostgreSQL restart in the middle of a run is retried rather than fatal.
 */
final class SqlFailures {

    private SqlFailures() {
    }

    static VectorStoreException map(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean transientState = state.startsWith("08")                       // connection exceptions
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") // shutdown, crash, cannot connect now
                || state.equals("53300")                                       // too many connections
                || state.equals("40001") || state.equals("40P01");             // serialization failure, deadlock
        if (transientState || e instanceof SQLTransientException) {
            return new UnavailableException("PostgreSQL failed while " + what + " (SQLSTATE " + state + "): " + e.getMessage()
                    + ". The migrator retries; if it persists, check that the database is up and reachable.", e);
        }
        return new VectorStoreException(ErrorCode.MIGRATION_FAILED, "PostgreSQL failed while " + what + " (SQLSTATE " + state
                + "): " + e.getMessage(), e);
    }
}
