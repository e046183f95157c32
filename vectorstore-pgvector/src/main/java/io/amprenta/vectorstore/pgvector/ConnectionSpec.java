package io.amprenta.vectorstore.pgvector;

import static io.amprenta.vectorstore.pgvector.PgDataSources.DATABASE_URL;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGDATABASE;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGHOST;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGPASSWORD;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGPORT;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGSSLMODE;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGUSER;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.internal.PostgresUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where and as whom to connect, read from {@code DATABASE_URL} (every form {@link PostgresUrl} reads:
 * {@code postgresql://user:pass@host:port/db?sslmode=...}, {@code postgres://...}, SQLAlchemy's
 * {@code postgresql+psycopg2://...} or {@code jdbc:postgresql://...}) or from the libpq variables {@code PGHOST PGPORT PGUSER
 * PGPASSWORD PGDATABASE PGSSLMODE}. As in libpq, the variables fill in what the URL leaves out (typically
 * {@code PGPASSWORD}).
 *
 * <p>The password is kept apart from the JDBC URL, so the URL can be logged and shown; {@link #toString()} never
 * contains the password.
 */
final class ConnectionSpec {

    // libpq URI parameters whose PgJDBC property has another name.
    private static final Map<String, String> RENAMED = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout",
            "target_session_attrs", "targetServerType");

    private final String hosts;
    private final String database;
    private final Map<String, String> properties;
    private final String user;
    private final String password;

    private ConnectionSpec(String hosts, String database, Map<String, String> properties, String user, String password) {
        this.hosts = hosts;
        this.database = database;
        this.properties = Map.copyOf(properties);
        this.user = user;
        this.password = password;
    }

    /** The JDBC URL without credentials. */
    public String jdbcUrl() {
        String query = new TreeMap<>(properties).entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        return "jdbc:postgresql://" + hosts + "/" + encode(database) + (query.isEmpty() ? "" : "?" + query);
    }

    /**
     * The same connection with {@code settings} added to the startup {@code options} ({@code -c name=value}), which
     * every session starts with and {@code RESET} returns to. Names and values must not contain spaces.
     */
    public ConnectionSpec withSessionSettings(Map<String, String> settings) {
        if (settings.isEmpty()) {
            return this;
        }
        String existing = properties.getOrDefault("options", "");
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put("options", (existing.isEmpty() ? "" : existing + " ") + Searcher.startupOptions(settings));
        return new ConnectionSpec(hosts, database, copy, user, password);
    }

    /** The login. */
    public String user() {
        return user;
    }

    /** The password, or null; never log it. */
    public String password() {
        return password;
    }

    /**
     * Reads the connection settings.
     *
     * @throws ConfigurationException naming {@code DATABASE_URL} (or the PG variable) when it is missing or malformed
     */
    public static ConnectionSpec fromConfig(VectorStoreConfig config) {
        Optional<String> url = DATABASE_URL.optionalFrom(config);
        if (url.isEmpty() && !config.has(PGHOST.key()) && !config.has(PGDATABASE.key()) && !config.has(PGUSER.key())) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, DATABASE_URL.key() + " is not set. Set it to the"
                    + " database holding your table, e.g. postgresql://user:password@host:5432/dbname?sslmode=require, or"
                    + " set the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE.");
        }
        Parts parts = url.map(ConnectionSpec::parseUrl).orElseGet(Parts::new);
        if (parts.hosts == null) {
            String host = PGHOST.from(config);
            if (host.startsWith("/")) {
                throw VectorStoreConfig.invalid(PGHOST.key(), host, "a host name or address: the JDBC driver cannot use"
                        + " Unix-domain sockets, so connect over TCP (e.g. localhost)");
            }
            parts.hosts = host + ":" + PGPORT.from(config);
        }
        if (parts.user == null) {
            parts.user = PGUSER.optionalFrom(config).orElse(System.getProperty("user.name"));
        }
        if (parts.password == null) {
            parts.password = PGPASSWORD.from(config);
        }
        if (parts.database == null) {
            parts.database = PGDATABASE.optionalFrom(config).orElse(parts.user);
        }
        if (!parts.properties.containsKey("sslmode")) {
            PGSSLMODE.optionalFrom(config).ifPresent(mode -> parts.properties.put("sslmode", mode));
        }
        parts.properties.putIfAbsent("ApplicationName", "vectorstore");
        return new ConnectionSpec(parts.hosts, parts.database, parts.properties, parts.user, parts.password);
    }

    private static Parts parseUrl(String url) {
        PostgresUrl parsed;
        try {
            parsed = PostgresUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, DATABASE_URL.key() + ": " + e.getMessage() + ".");
        }
        if (!parsed.hasHost()) {
            throw VectorStoreConfig.invalid(DATABASE_URL.key(), url, "a URL with a host: the JDBC driver cannot use Unix-domain"
                    + " sockets, so connect over TCP, e.g. postgresql://user:password@localhost:5432/dbname");
        }
        Parts parts = new Parts();
        parts.hosts = parsed.authority();
        parts.database = parsed.database();
        parts.user = parsed.user();
        parts.password = parsed.password();
        parsed.parameters().forEach((key, value) -> {
            switch (key) {
                case "host", "port", "dbname" -> throw VectorStoreConfig.invalid(DATABASE_URL.key(), url,
                        "a URL that gives host, port and database before the '?' (the parameter '" + key + "' is not supported)");
                default -> parts.properties.put(parsed.jdbcForm() ? key : RENAMED.getOrDefault(key, key),
                        key.equals("target_session_attrs") ? targetServerType(value) : value);
            }
        });
        return parts;
    }

    private static String targetServerType(String libpqValue) {
        return switch (libpqValue) {
            case "read-write", "primary" -> "primary";
            case "read-only", "standby" -> "secondary";
            case "prefer-standby" -> "preferSecondary";
            default -> "any";
        };
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The URL and user; never the password. */
    @Override
    public String toString() {
        return jdbcUrl() + " as " + user;
    }

    private static final class Parts {
        private String hosts;
        private String database;
        private String user;
        private String password;
        private final Map<String, String> properties = new LinkedHashMap<>();
    }
}
