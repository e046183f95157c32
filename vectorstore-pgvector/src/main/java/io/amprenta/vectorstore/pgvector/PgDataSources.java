package io.amprenta.vectorstore.pgvector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.internal.ConnectionSpec;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the HikariCP pool a store (or the command line) uses when the application does not hand over a
 * {@link javax.sql.DataSource}, from {@code DATABASE_URL} ({@code postgresql://user:pass@host:port/db?sslmode=...}
 * or {@code jdbc:postgresql://...}) or the libpq variables {@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
 * PGSSLMODE}. The password never appears in the pool's URL, in logs or in messages.
 */
public final class PgDataSources {

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;

    private PgDataSources() {
    }

    /**
     * A new pool of at most {@code poolSize} connections; the caller closes it. It connects once right away, so a
     * wrong URL, password or database fails here, with an error naming the setting.
     *
     * @throws io.amprenta.vectorstore.ConfigurationException when the settings are missing or malformed, or the
     *     database does not exist
     * @throws io.amprenta.vectorstore.AuthenticationException when the server rejects the login
     * @throws io.amprenta.vectorstore.UnavailableException when the server cannot be reached
     */
    public static HikariDataSource create(VectorStoreConfig config, int poolSize) {
        return create(config, poolSize, Map.of());
    }

    /**
     * A new pool whose sessions start with {@code sessionSettings} (sent as the startup {@code options}, so they are
     * what {@code RESET} returns to); the caller closes it.
     */
    public static HikariDataSource create(VectorStoreConfig config, int poolSize, Map<String, String> sessionSettings) {
        ConnectionSpec spec = ConnectionSpec.fromConfig(config).withSessionSettings(sessionSettings);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("vectorstore-pgvector-" + POOLS.incrementAndGet());
        hikari.setJdbcUrl(spec.jdbcUrl());
        hikari.setUsername(spec.user());
        if (spec.password() != null) {
            hikari.setPassword(spec.password());
        }
        hikari.setMaximumPoolSize(poolSize);
        hikari.setMinimumIdle(Math.min(2, poolSize));
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            if (e.getCause() instanceof SQLException cause) {
                throw SqlErrors.translate(cause, "Connecting to " + spec, null);
            }
            throw e;
        }
    }

    /** Where {@code config} connects to, for messages: the JDBC URL and user, never the password. */
    public static String describe(VectorStoreConfig config) {
        return ConnectionSpec.fromConfig(config).toString();
    }
}
