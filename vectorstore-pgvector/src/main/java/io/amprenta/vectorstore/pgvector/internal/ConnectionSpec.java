package io.amprenta.vectorstore.pgvector.internal;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreConfig;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where and as whom to connect, read from {@code DATABASE_URL} ({@code postgresql://user:pass@host:port/db?sslmode=...},
 * {@code postgres://...} or {@code jdbc:postgresql://...}) or from the libpq variables {@code PGHOST PGPORT PGUSER
 * PGPASSWORD PGDATABASE PGSSLMODE}. As in libpq, the variables fill in what the URL leaves out (typically
 * {@code PGPASSWORD}).
 *
 * <p>The password is kept apart from the JDBC URL, so the URL can be logged and shown; {@link #toString()} never
 * contains the password.
 */
public final class ConnectionSpec {

    /** The URL key. */
    public static final String DATABASE_URL = "DATABASE_URL";

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
        Optional<String> url = config.get(DATABASE_URL);
        if (url.isEmpty() && !config.has("PGHOST") && !config.has("PGDATABASE") && !config.has("PGUSER")) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, DATABASE_URL + " is not set. Set it to the"
                    + " database holding your table, e.g. postgresql://user:password@host:5432/dbname?sslmode=require, or"
                    + " set the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE.");
        }
        Parts parts = url.map(value -> parseUrl(config, value)).orElseGet(Parts::new);
        if (parts.hosts == null) {
            String host = config.get("PGHOST", "localhost");
            if (host.startsWith("/")) {
                throw VectorStoreConfig.invalid("PGHOST", host, "a host name or address: the JDBC driver cannot use"
                        + " Unix-domain sockets, so connect over TCP (e.g. localhost)");
            }
            parts.hosts = host + ":" + config.get("PGPORT", "5432");
        }
        if (parts.user == null) {
            parts.user = config.get("PGUSER", System.getProperty("user.name"));
        }
        if (parts.password == null) {
            parts.password = config.get("PGPASSWORD").orElse(null);
        }
        if (parts.database == null) {
            parts.database = config.get("PGDATABASE", parts.user);
        }
        if (!parts.properties.containsKey("sslmode")) {
            config.get("PGSSLMODE").ifPresent(mode -> parts.properties.put("sslmode", mode));
        }
        parts.properties.putIfAbsent("ApplicationName", "vectorstore");
        return new ConnectionSpec(parts.hosts, parts.database, parts.properties, parts.user, parts.password);
    }

    private static Parts parseUrl(VectorStoreConfig config, String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        String rest;
        boolean jdbc;
        if (lower.startsWith("jdbc:postgresql://")) {
            rest = url.substring("jdbc:postgresql://".length());
            jdbc = true;
        } else if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            rest = url.substring(url.indexOf("://") + 3);
            jdbc = false;
        } else {
            throw VectorStoreConfig.invalid(DATABASE_URL, url, "a URL of the form postgresql://user:password@host:5432/dbname"
                    + " (or jdbc:postgresql://host:5432/dbname)");
        }
        Parts parts = new Parts();
        int queryStart = rest.indexOf('?');
        String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
        String authority = queryStart < 0 ? rest : rest.substring(0, queryStart);
        int slash = authority.indexOf('/');
        if (slash >= 0) {
            String database = decode(authority.substring(slash + 1));
            parts.database = database.isEmpty() ? null : database;
            authority = authority.substring(0, slash);
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String credentials = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = credentials.indexOf(':');
            parts.user = decode(colon < 0 ? credentials : credentials.substring(0, colon));
            parts.password = colon < 0 ? null : decode(credentials.substring(colon + 1));
        }
        if (authority.isEmpty()) {
            throw VectorStoreConfig.invalid(DATABASE_URL, url, "a URL with a host: the JDBC driver cannot use Unix-domain"
                    + " sockets, so connect over TCP, e.g. postgresql://user:password@localhost:5432/dbname");
        }
        parts.hosts = authority;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            switch (key) {
                case "user" -> parts.user = value;
                case "password" -> parts.password = value;
                case "host", "port", "dbname" -> throw VectorStoreConfig.invalid(DATABASE_URL, url,
                        "a URL that gives host, port and database before the '?' (the parameter '" + key + "' is not supported)");
                default -> parts.properties.put(jdbc ? key : RENAMED.getOrDefault(key, key),
                        key.equals("target_session_attrs") ? targetServerType(value) : value);
            }
        }
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

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
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
