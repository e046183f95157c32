/**
 * The PostgreSQL machinery the pgvector backend shares with the project's other modules (the migrator's progress
 * tables and id listing): how a statement is run on a connection, in a transaction, bounded by a timeout and retried,
 * and how a {@link java.sql.SQLException} is classified by SQLSTATE into the library's exception kinds.
 *
 * <p><strong>Not API.</strong> Public only so that the project's other modules can use it; it changes without notice,
 * and applications must not use it. It depends on nothing of {@code io.amprenta.vectorstore.pgvector}, so that the
 * backend can use it without a package cycle. See ARCHITECTURE.md, "Modules and boundaries".
 */
package io.amprenta.vectorstore.pgvector.internal;
