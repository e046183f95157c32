package io.amprenta.vectorstore.pgvector;

import static io.amprenta.vectorstore.pgvector.PgDataSources.DATABASE_URL;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGDATABASE;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGHOST;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGPASSWORD;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGPORT;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGSSLMODE;
import static io.amprenta.vectorstore.pgvector.PgDataSources.PGUSER;
import static io.amprenta.vectorstore.pgvector.PgDataSources.READ_REPLICA_URLS;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.internal.PostgresUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
 *
 * <p>{@link #routing} splits the connection into where writes go and where reads go when there are replicas (see
 * ARCHITECTURE.md, "Read replicas"): PgJDBC itself picks a replica for each new connection, skips hosts that refuse
 * connections and falls back to the primary, so the library only writes the URLs that ask it to.
 */
final class ConnectionSpec {

    // libpq URI parameters whose PgJDBC property has another name.
    private static final Map<String, String> RENAMED = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout",
            "target_session_attrs", "targetServerType");
    private static final String TARGET_SERVER_TYPE = "targetServerType";
    private static final String LOAD_BALANCE_HOSTS = "loadBalanceHosts";
    // The PgJDBC server types that ask for a standby: a multi-host URL with one of them routes reads to replicas.
    private static final Set<String> STANDBY_TYPES = Set.of("secondary", "preferSecondary", "preferSlave", "slave");
    // A comma before another URL separates replicas; other commas belong to a multi-host URL.
    private static final Pattern NEXT_URL = Pattern.compile(",\\s*(?=(?i)(jdbc:)?postgres)");

    /**
     * Where a store's connections go.
     *
     * @param writes the primary: writes, schema changes, migration bookkeeping, and every read without replicas
     * @param reads the hosts reads may use, in PgJDBC's multi-host form; empty when reads go to the primary
     * @param replicas each host of {@code reads} alone, for health checks; empty when there are no replicas
     */
    record Routing(ConnectionSpec writes, Optional<ConnectionSpec> reads, List<ConnectionSpec> replicas) {

        /** Copies the list. */
        Routing {
            Objects.requireNonNull(writes, "writes");
            Objects.requireNonNull(reads, "reads");
            replicas = List.copyOf(replicas);
        }
    }

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

    /** The hosts as the URL writes them: {@code host:port}, or several separated by commas. */
    public String hosts() {
        return hosts;
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

    /**
     * Where writes and reads go. Reads go to replicas when {@code PGVECTOR_READ_REPLICA_URLS} lists some (then PgJDBC
     * picks one of them per connection, and the primary when none answers), or when {@code DATABASE_URL} has several
     * hosts and asks for a standby ({@code targetServerType=preferSecondary} or {@code secondary}; libpq's
     * {@code target_session_attrs=prefer-standby}), in which case writes go to the same hosts with
     * {@code targetServerType=primary}. Otherwise everything goes to {@code DATABASE_URL} as before.
     *
     * @throws ConfigurationException naming the key whose value is unusable
     */
    public static Routing routing(VectorStoreConfig config) {
        ConnectionSpec primary = fromConfig(config);
        Optional<String> listed = READ_REPLICA_URLS.optionalFrom(config).filter(value -> !value.isBlank());
        boolean urlAsksForStandby = primary.hostList().size() > 1
                && STANDBY_TYPES.contains(primary.properties.getOrDefault(TARGET_SERVER_TYPE, "any"));
        if (listed.isEmpty() && !urlAsksForStandby) {
            return new Routing(primary, Optional.empty(), List.of());
        }
        ConnectionSpec writes = urlAsksForStandby ? primary.withProperty(TARGET_SERVER_TYPE, "primary") : primary;
        ConnectionSpec reads = primary;
        List<String> readHosts = primary.hostList();
        if (listed.isPresent()) {
            Set<String> hosts = new LinkedHashSet<>(replicaHosts(listed.get(), primary));
            hosts.addAll(primary.hostList());
            readHosts = List.copyOf(hosts);
            // Replicas first, spread over; the primary only when no replica answers (PgJDBC's own host choice).
            Map<String, String> properties = new LinkedHashMap<>(primary.properties);
            properties.put(TARGET_SERVER_TYPE, "preferSecondary");
            properties.putIfAbsent(LOAD_BALANCE_HOSTS, "true");
            reads = new ConnectionSpec(String.join(",", readHosts), primary.database, properties, primary.user,
                    primary.password);
        }
        List<ConnectionSpec> each = new ArrayList<>();
        for (String host : readHosts) {
            Map<String, String> properties = new LinkedHashMap<>(primary.properties);
            properties.remove(TARGET_SERVER_TYPE);
            properties.remove(LOAD_BALANCE_HOSTS);
            each.add(new ConnectionSpec(host, primary.database, properties, primary.user, primary.password));
        }
        return new Routing(writes, Optional.of(reads), each);
    }

    private List<String> hostList() {
        return Arrays.asList(hosts.split(","));
    }

    private ConnectionSpec withProperty(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(key, value);
        return new ConnectionSpec(hosts, database, copy, user, password);
    }

    /*
     * A streaming replica is a copy of the whole primary: the same databases, roles and passwords. An entry that names
     * others is a mistake the store would otherwise only find at the first read.
     */
    private static List<String> replicaHosts(String value, ConnectionSpec primary) {
        String key = READ_REPLICA_URLS.key();
        List<String> hosts = new ArrayList<>();
        String[] entries = NEXT_URL.split(value.strip());
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            String which = key + " entry " + (i + 1) + " (" + PostgresUrl.redact(entry) + ")";
            PostgresUrl parsed;
            try {
                parsed = PostgresUrl.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(ErrorCode.INVALID_SETTING, key + " entry " + (i + 1) + ": " + e.getMessage()
                        + ". List the replicas' URLs separated by commas.");
            }
            if (!parsed.hasHost()) {
                throw new ConfigurationException(ErrorCode.INVALID_SETTING, which + " names no host. Give each replica's"
                        + " host and port, e.g. postgresql://replica1:5432/" + primary.database + ".");
            }
            String problem = parsed.database() != null && !parsed.database().equals(primary.database)
                    ? "names the database '" + parsed.database() + "' but DATABASE_URL names '" + primary.database + "'"
                    : parsed.user() != null && !parsed.user().equals(primary.user)
                    ? "logs in as '" + parsed.user() + "' but DATABASE_URL as '" + primary.user + "'"
                    : parsed.password() != null && !parsed.password().equals(primary.password)
                    ? "has another password than DATABASE_URL"
                    : !parsed.parameters().isEmpty()
                    ? "has parameters (" + String.join(", ", parsed.parameters().keySet()) + ")"
                    : null;
            if (problem != null) {
                throw new ConfigurationException(ErrorCode.INVALID_SETTING, which + " " + problem + ". A streaming replica"
                        + " has the primary's databases and logins, and reads use DATABASE_URL's login and parameters:"
                        + " give only the replica's host and port (postgresql://host:port), or the same database and"
                        + " login as DATABASE_URL.");
            }
            hosts.addAll(Arrays.asList(parsed.authority().split(",")));
        }
        return hosts;
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
