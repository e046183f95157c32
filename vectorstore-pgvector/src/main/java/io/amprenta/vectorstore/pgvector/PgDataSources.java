package io.amprenta.vectorstore.pgvector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the HikariCP pool a store (or the command line) uses when the application does not hand over a
 * {@link javax.sql.DataSource}, from {@code DATABASE_URL} ({@code postgresql://user:pass@host:port/db?sslmode=...}
 * or {@code jdbc:postgresql://...}) or the libpq variables {@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
 * PGSSLMODE}. The password never appears in the pool's URL, in logs or in messages.
 */
public final class PgDataSources {

    /** Where the database is: every URL form {@code postgresql://}, {@code postgresql+psycopg2://} or {@code jdbc:postgresql://}. */
    public static final Setting<String> DATABASE_URL = Setting.text("DATABASE_URL", null,
            "`postgresql://user:pass@host:port/db?sslmode=...` (also `postgres://`, SQLAlchemy's `postgresql+psycopg2://`"
                    + " and the like) or a `jdbc:postgresql://` URL").withDefaultText("this or the `PG*` keys");
    /** libpq's host variable; only TCP hosts (the JDBC driver has no Unix-domain sockets). */
    public static final Setting<String> PGHOST = Setting.text("PGHOST", "localhost",
            "the server's host, when `DATABASE_URL` names none");
    /** libpq's port variable. */
    public static final Setting<Integer> PGPORT = Setting.integer("PGPORT", 5432, 1, 65535,
            "the server's port, when `DATABASE_URL` names none");
    /** libpq's user variable. */
    public static final Setting<String> PGUSER = Setting.text("PGUSER", null,
            "the login, when `DATABASE_URL` names none").withDefaultText("the OS user");
    /** libpq's password variable; never shown. */
    public static final Setting<String> PGPASSWORD = Setting.text("PGPASSWORD", null,
            "the password, when `DATABASE_URL` has none; never logged or shown");
    /** libpq's database variable. */
    public static final Setting<String> PGDATABASE = Setting.text("PGDATABASE", null,
            "the database, when `DATABASE_URL` names none").withDefaultText("the user's name");
    /** libpq's SSL mode variable. */
    public static final Setting<String> PGSSLMODE = Setting.text("PGSSLMODE", null,
            "`sslmode`, when `DATABASE_URL` sets none (`disable`, `require`, `verify-full`, ...)");

    /** The connection keys, in documentation order. */
    public static List<Setting<?>> settings() {
        return List.of(DATABASE_URL, PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE);
    }

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
