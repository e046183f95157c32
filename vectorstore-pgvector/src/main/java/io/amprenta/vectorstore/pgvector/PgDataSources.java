package io.amprenta.vectorstore.pgvector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Builds the HikariCP pool a store (or the command line) uses when the application does not hand over a
 * {@link javax.sql.DataSource}, from {@code DATABASE_URL} ({@code postgresql://user:pass@host:port/db?sslmode=...}
 * or {@code jdbc:postgresql://...}) or the libpq variables {@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
 * PGSSLMODE}. The password never appears in the pool's URL, in logs or in messages.
 *
 * <p>Reads can go to streaming replicas while writes go to the primary: list the replicas in
 * {@code PGVECTOR_READ_REPLICA_URLS}, or give {@code DATABASE_URL} several hosts with
 * {@code targetServerType=preferSecondary} (or {@code secondary}); see ARCHITECTURE.md, "Read replicas". Then
 * {@link #create} builds the primary's pool and the store builds a second pool for reads.
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

    /** Streaming replicas that serve reads, besides the primary {@code DATABASE_URL} names. */
    public static final Setting<String> READ_REPLICA_URLS = Setting.text("PGVECTOR_READ_REPLICA_URLS", null,
            "comma-separated URLs (any `DATABASE_URL` form) of streaming replicas of `DATABASE_URL` that serve queries,"
                    + " fetch and listing; writes stay on the primary").withDefaultText("none");
    /** What a store that wrote does before it reads from a replica. */
    public static final Setting<ReadYourWrites> READ_YOUR_WRITES = Setting.choice("PGVECTOR_READ_YOUR_WRITES",
            ReadYourWrites.class, ReadYourWrites.WAIT, mode -> mode.name().toLowerCase(Locale.ROOT),
            "with replicas, after this store wrote: `wait` for the replica to replay the write (then the primary),"
                    + " read the `primary` until it has, or `off` (reads may miss the write)");
    /** How long a read after a write waits for a replica to replay it. */
    public static final Setting<Duration> READ_YOUR_WRITES_WAIT = Setting.duration("PGVECTOR_READ_YOUR_WRITES_WAIT",
            Duration.ofMillis(500), Duration.ZERO, "how long a read waits for a replica to replay this store's last"
                    + " write before it reads from the primary instead (`wait` mode)");

    /** The connection keys, in documentation order. */
    public static List<Setting<?>> settings() {
        return List.of(DATABASE_URL, PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, READ_REPLICA_URLS,
                READ_YOUR_WRITES, READ_YOUR_WRITES_WAIT);
    }

    /** What a store that wrote does before it reads from a replica, which may not have replayed the write yet. */
    public enum ReadYourWrites {
        /** Read from the replica at once: a read right after a write may not see it (eventual consistency). */
        OFF,
        /** Read from the primary until the replica is seen to have replayed the store's last write; never wait. */
        PRIMARY,
        /**
         * Wait up to {@code PGVECTOR_READ_YOUR_WRITES_WAIT} for the replica to replay the store's last write, then read
         * from the primary if it has not.
         */
        WAIT
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    private static final int PROBE_TIMEOUT_SECONDS = 3;

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
        return pool(ConnectionSpec.routing(config).writes().withSessionSettings(sessionSettings), poolSize);
    }

    /**
     * A pool for the reads of a store configured with replicas (empty without): the replicas, and the primary when
     * none of them answers, chosen by PgJDBC ({@code targetServerType=preferSecondary}, {@code loadBalanceHosts}).
     */
    static Optional<HikariDataSource> createReadPool(VectorStoreConfig config, int poolSize,
                                                     Map<String, String> sessionSettings) {
        return ConnectionSpec.routing(config).reads().map(spec -> pool(spec.withSessionSettings(sessionSettings), poolSize));
    }

    /**
     * One unpooled DataSource per host that may serve reads, for health checks that must look at each of them (a
     * pool hides which server a connection is on); empty without replicas.
     */
    static List<ReadReplicas.Probe> replicaProbes(VectorStoreConfig config) {
        return ConnectionSpec.routing(config).replicas().stream()
                .map(spec -> new ReadReplicas.Probe(spec.hosts(), direct(spec))).toList();
    }

    private static DataSource direct(ConnectionSpec spec) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(spec.jdbcUrl());
        dataSource.setUser(spec.user());
        if (spec.password() != null) {
            dataSource.setPassword(spec.password());
        }
        // A health check must answer quickly even when a replica's host is gone without refusing connections.
        dataSource.setConnectTimeout(PROBE_TIMEOUT_SECONDS);
        dataSource.setSocketTimeout(PROBE_TIMEOUT_SECONDS);
        return dataSource;
    }

    private static HikariDataSource pool(ConnectionSpec spec, int poolSize) {
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
        return ConnectionSpec.routing(config).writes().toString();
    }
}
