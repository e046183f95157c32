package io.amprenta.vectorstore.internal;

import io.amprenta.vectorstore.VectorStoreConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A PostgreSQL URL taken apart, in every form the stacks that share a {@code DATABASE_URL} write it: libpq's
 * {@code postgresql://user:pass@host:port/db?sslmode=require} (also {@code postgres://}), SQLAlchemy's
 * {@code postgresql+psycopg2://...} (any {@code +driver} suffix, which is ignored), and PgJDBC's
 * {@code jdbc:postgresql://host:port/db?user=..&password=..}. The one parser of the project: the pgvector backend
 * reads {@code DATABASE_URL} with it, the test harness {@code VECTORSTORE_TEST_DATABASE_URL}.
 *
 * <p>Only the URL's own content is here; defaults (port 5432, the libpq variables) are the caller's. Credentials given
 * as {@code user}/{@code password} parameters are moved to {@link #user()}/{@link #password()}. {@link #toString()}
 * and {@link #redact(String)} never show the password.
 *
 * @param jdbcForm whether the URL was PgJDBC's form, whose parameters are already PgJDBC property names
 * @param hosts one or more hosts, in order ({@code host1:5432,host2:5432} is a multi-host URL)
 * @param database the database, or null when the URL names none
 * @param user the login, or null
 * @param password the password, or null; never log it
 * @param parameters the remaining query parameters, in order, decoded
 */
public record PostgresUrl(boolean jdbcForm, List<Host> hosts, String database, String user, String password,
                          Map<String, String> parameters) {

    private static final Pattern SCHEME = Pattern.compile("(?i)(jdbc:postgresql|postgres(?:ql)?(?:\\+[a-z0-9_]+)?)://.*",
            Pattern.DOTALL);
    private static final String FORMS = "postgresql://user:password@host:5432/dbname (also postgres://,"
            + " postgresql+psycopg2:// and the like) or jdbc:postgresql://host:5432/dbname";

    /**
     * One host of the URL.
     *
     * @param name the host name or address (IPv6 without brackets); empty when the URL gives none
     * @param port the port, when the URL gives one
     */
    public record Host(String name, OptionalInt port) {

        /** Validates. */
        public Host {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(port, "port");
        }

        /** {@code name:port} as a URL writes it (IPv6 in brackets); just the name when there is no port. */
        @Override
        public String toString() {
            String host = name.contains(":") ? "[" + name + "]" : name;
            return port.isPresent() ? host + ":" + port.getAsInt() : host;
        }
    }

    /** Copies the lists. */
    public PostgresUrl {
        hosts = List.copyOf(hosts);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Takes {@code url} apart.
     *
     * @throws IllegalArgumentException saying what is wrong, with the password masked, when it is not a PostgreSQL URL
     */
    public static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the URL is empty; expected " + FORMS);
        }
        String text = url.strip();
        if (!SCHEME.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + redact(text) + "' is not a PostgreSQL URL; expected " + FORMS);
        }
        boolean jdbc = text.toLowerCase(Locale.ROOT).startsWith("jdbc:");
        String rest = text.substring(text.indexOf("://") + 3);

        Map<String, String> parameters = new LinkedHashMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    parameters.put(decode(equals < 0 ? pair : pair.substring(0, equals)),
                            equals < 0 ? "" : decode(pair.substring(equals + 1)));
                }
            }
            rest = rest.substring(0, question);
        }
        String authority = rest;
        String database = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            authority = rest.substring(0, slash);
            String named = decode(rest.substring(slash + 1));
            database = named.isEmpty() ? null : named;
        }
        String user = null;
        String password = null;
        // The last '@' separates the credentials from the hosts, so an unencoded '@' in a password still parses.
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String credentials = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = credentials.indexOf(':');
            String named = decode(colon < 0 ? credentials : credentials.substring(0, colon));
            user = named.isEmpty() ? null : named;
            password = colon < 0 ? null : decode(credentials.substring(colon + 1));
        }
        String userParameter = parameters.remove("user");
        String passwordParameter = parameters.remove("password");
        user = user != null ? user : userParameter;
        password = password != null ? password : passwordParameter;
        return new PostgresUrl(jdbc, hosts(authority, text), database, user, password, parameters);
    }

    private static List<Host> hosts(String authority, String url) {
        List<Host> hosts = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            String name;
            String port = null;
            if (part.startsWith("[")) {
                int close = part.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '[' in the host of '" + redact(url) + "'");
                }
                name = part.substring(1, close);
                String after = part.substring(close + 1);
                port = after.startsWith(":") ? after.substring(1) : null;
            } else {
                int colon = part.lastIndexOf(':');
                name = colon < 0 ? part : part.substring(0, colon);
                port = colon < 0 ? null : part.substring(colon + 1);
            }
            hosts.add(new Host(decode(name), port == null || port.isEmpty() ? OptionalInt.empty()
                    : OptionalInt.of(parsePort(port, url))));
        }
        return hosts;
    }

    private static int parsePort(String text, String url) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("the port '" + text + "' in '" + redact(url) + "' is not a port number");
    }

    /** Whether the URL names at least one host (libpq's {@code postgresql:///db} names none: a Unix socket). */
    public boolean hasHost() {
        return hosts.stream().anyMatch(host -> !host.name().isEmpty());
    }

    /** The hosts as a URL writes them, e.g. {@code host1:5432,host2:5433}. */
    public String authority() {
        return hosts.stream().map(Host::toString).collect(Collectors.joining(","));
    }

    /** The same URL with other credentials and database (any may be null to leave it out). */
    public PostgresUrl with(String newDatabase, String newUser, String newPassword) {
        return new PostgresUrl(jdbcForm, hosts, newDatabase, newUser, newPassword, parameters);
    }

    /** {@code ?key=value&...} of {@link #parameters()}, percent-encoded; empty when there are none. */
    public String query() {
        if (parameters.isEmpty()) {
            return "";
        }
        StringJoiner joiner = new StringJoiner("&", "?", "");
        parameters.forEach((key, value) -> joiner.add(encode(key) + "=" + encode(value)));
        return joiner.toString();
    }

    /** The URL in libpq's form, password masked. */
    @Override
    public String toString() {
        return "postgresql://" + (user == null ? "" : encode(user) + (password == null ? "" : ":****") + "@")
                + authority() + "/" + (database == null ? "" : encode(database)) + query();
    }

    /** {@code url} with any password (in the user info or a {@code password} parameter) masked, for messages. */
    public static String redact(String url) {
        return url == null ? "null" : VectorStoreConfig.redact("DATABASE_URL", url);
    }

    /*
     * Percent-decoding by hand: URLDecoder implements HTML forms, where '+' means a space, which would corrupt
     * passwords containing '+'.
     */
    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                int codePoint = text.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Encodes everything outside RFC 3986's unreserved set, so any user, password or name survives a round trip. */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
