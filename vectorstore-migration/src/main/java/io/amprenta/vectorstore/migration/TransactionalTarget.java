package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.VectorRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A target in a PostgreSQL database that can also hold the migration's progress tables, so that each batch and its
 * {@code done} marks commit in one transaction: a crash leaves every id either written and done or neither, and a
 * resumed run writes nothing twice. Targets without it are written first and marked after.
 */
public interface TransactionalTarget extends MigrationTarget {

    /** The database of the target, where the migration keeps {@code migration_progress}. */
    DataSource database();

    /**
     * Writes {@code records} on {@code connection} (of {@link #database()}) inside the caller's transaction, without
     * committing; otherwise as {@link MigrationTarget#write}.
     */
    Set<String> write(Connection connection, String namespace, List<VectorRecord> records) throws SQLException;

    /**
     * As {@link #write(Connection, String, List)}, for records read from the source after {@code readFromSourceAt} (an
     * instant of this database's clock): a target that knows when each row was last written keeps the rows written
     * since, which are newer than the records (a dual write's, during a zero-downtime cutover). This default cannot
     * tell and replaces them; {@link PgVectorTarget} keeps them.
     */
    default Set<String> write(Connection connection, String namespace, List<VectorRecord> records, Instant readFromSourceAt)
            throws SQLException {
        return write(connection, namespace, records);
    }
}
