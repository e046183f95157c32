/**
 * The PostgreSQL/pgvector backend ({@code VECTOR_BACKEND=pgvector}) and its schema management.
 *
 * <ul>
 * <li>{@link io.amprenta.vectorstore.pgvector.PgVectorStore} builds stores (on a DataSource or from configuration),
 * {@link io.amprenta.vectorstore.pgvector.PgVectorStoreProvider} registers the backend,
 * {@link io.amprenta.vectorstore.pgvector.PgVectorSettings} holds every {@code PGVECTOR_*} setting and
 * {@link io.amprenta.vectorstore.pgvector.PgDataSources} builds the HikariCP pool from {@code DATABASE_URL}.</li>
 * <li>{@link io.amprenta.vectorstore.pgvector.SchemaManager} upgrades, downgrades, reports and prints the schema.</li>
 * <li>{@link io.amprenta.vectorstore.pgvector.PgVectorTable} is for bulk work: batches written in the caller's
 * transaction, rows still lacking an embedding, the HNSW index around a bulk load, the SQL and plan of a query.</li>
 * <li>{@link io.amprenta.vectorstore.pgvector.SearchStatement} is the SQL of a query, for EXPLAIN and benchmarks.</li>
 * </ul>
 *
 * <p>The public types above are the API; the other types used by their signatures are their options and results
 * ({@link io.amprenta.vectorstore.pgvector.PgWriteOptions}, {@link io.amprenta.vectorstore.pgvector.SchemaStatus},
 * {@link io.amprenta.vectorstore.pgvector.UpgradeOptions}, ...). The implementation (SQL generation, bulk writing,
 * catalog reading) lives in this package too, package-private, so that the compiler keeps applications off it.
 *
 * See {@code docs/pgvector.md}.
 */
package io.amprenta.vectorstore.pgvector;
