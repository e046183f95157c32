/**
 * The backend's implementation: SQL generation (filters, queries, schema steps), bulk writing, catalog reading and
 * error mapping. Not API: classes here are public only so that {@code io.amprenta.vectorstore.pgvector} can use
 * them, and change without notice.
 */
package io.amprenta.vectorstore.pgvector.internal;
