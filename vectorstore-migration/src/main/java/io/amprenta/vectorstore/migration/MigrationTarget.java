package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.pgvector.PgWriteOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Where a migration writes: a PostgreSQL database that also holds the {@code migration_progress} table,
 * so that a batch's vectors and its {@code done} marks commit in one transaction.
 * {@link PgVectorTarget} is the implementation for the pgvector backend.
 */
public interface MigrationTarget {

    /** What is written to, for messages, e.g. {@code pgvector table public.rag_chunks}. */
    String describe();

    /** The database of the target table and of {@code migration_progress}. */
    DataSource dataSource();

    /** The target's vector dimension, when fixed. */
    OptionalInt dimension();

    /**
     * Writes {@code records} on {@code connection} inside the caller's transaction, without committing.
     *
     * @return the ids that were not written because the target table has no row for them and
     *     {@link PgWriteOptions#insertMissingRows()} is false; empty otherwise
     * @throws io.amprenta.vectorstore.InvalidRequestException when a record breaks a limit
     *     ({@link io.amprenta.vectorstore.spi.Limits#checkRecord}); nothing is written, and the migrator splits
     *     the batch to find the record
     */
    Set<String> write(Connection connection, String namespace, List<VectorRecord> records, PgWriteOptions options) throws SQLException;

    /** Up to {@code limit} ids of rows in {@code namespace} that have no embedding yet, in id order, after {@code afterId} (null to start). */
    List<String> idsWithoutEmbedding(String namespace, String afterId, int limit);

    /** How many rows of {@code namespace} have no embedding yet; read-only, for a dry run's plan. */
    long countWithoutEmbedding(String namespace);

    /** Read-only checks that the target can be written (extension, table, columns); throws a {@code ConfigurationException} naming the fix. */
    List<String> preflight();

    /** Drops the vector index before a bulk load (building it once afterwards is many times faster). */
    void dropVectorIndex();

    /** Builds the vector index after a bulk load, with memory and parallel workers set for the build, then ANALYZE. */
    void buildVectorIndex();

    /**
     * Refreshes the planner's statistics after a load. A table that was empty when last analyzed looks empty to the
     * planner, which then answers every query by scanning the whole table instead of using the vector index, until
     * autovacuum gets round to it.
     */
    void analyze();
}
