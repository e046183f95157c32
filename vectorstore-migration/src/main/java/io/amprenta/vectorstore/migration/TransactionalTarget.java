package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.VectorRecord;
import java.sql.Connection;
import java.sql.SQLException;
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
}
