/**
 * A real PostgreSQL with pgvector for tests: {@link io.amprenta.vectorstore.testkit.postgres.PostgresExtension}
 * hands each test class a fresh {@link io.amprenta.vectorstore.testkit.postgres.TestDatabase} on a server shared
 * by the JVM ({@code VECTORSTORE_TEST_DATABASE_URL}, else a Testcontainers pgvector container when Docker answers,
 * else a throwaway cluster it starts from the machine's PostgreSQL), and
 * {@link io.amprenta.vectorstore.testkit.postgres.PostgresServer} lets fault tests stop and restart that server.
 * {@code scripts/install-postgres} installs what the throwaway cluster needs.
 */
package io.amprenta.vectorstore.testkit.postgres;
