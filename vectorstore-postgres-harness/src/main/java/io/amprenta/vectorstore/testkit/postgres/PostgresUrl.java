package io.amprenta.vectorstore.testkit.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a PostgreSQL database is and how to log in: the parsed form of {@code postgresql://user:pass@host:port/db}
 * or {@code jdbc:postgresql://host:port/db?user=..&password=..}, so both forms of
 * {@code VECTORSTORE_TEST_DATABASE_URL} end up as the same value.
 *
 * @param parameters the remaining query parameters (e.g. {@code sslmode}), passed through unchanged
 */
record PostgresUrl(String host, int port, String database, String user, String password, Map<String, String> parameters) {

    static final int DEFAULT_PORT = 5432;
    static final String DEFAULT_DATABASE = "postgres";

    PostgresUrl {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses either URL form. A missing port means 5432 and a missing database means {@code postgres} (the
     * maintenance database, which is what the harness connects to when it creates databases).
     */
    static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("empty PostgreSQL URL");
        }
        String rest = url.strip();
        String lower = rest.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("jdbc:")) {
            rest = rest.substring("jdbc:".length());
            lower = lower.substring("jdbc:".length());
        }
        if (lower.startsWith("postgresql://")) {
            rest = rest.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            rest = rest.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException("not a PostgreSQL URL (expected postgresql://user:pass@host:port/db"
                    + " or jdbc:postgresql://host:port/db): " + redact(url));
        }

        Map<String, String> params = new LinkedHashMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.put(key, value);
            }
            rest = rest.substring(0, question);
        }

        String authority = rest;
        String database = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            authority = rest.substring(0, slash);
            database = decode(rest.substring(slash + 1));
        }

        String user = null;
        String password = null;
        // The last '@' separates credentials from the host, so an unencoded '@' in a password still parses.
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        // The JDBC form carries credentials as parameters; they are credentials, not connection options.
        String userParam = params.remove("user");
        String passwordParam = params.remove("password");
        if (user == null || user.isEmpty()) {
            user = userParam;
        }
        if (password == null) {
            password = passwordParam;
        }
        if (params.containsKey("dbname") && database.isEmpty()) {
            database = params.remove("dbname");
        }

        String host;
        int port = DEFAULT_PORT;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in the host of " + redact(url));
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":") && after.length() > 1) {
                port = parsePort(after.substring(1), url);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0 && colon < authority.length() - 1) {
                port = parsePort(authority.substring(colon + 1), url);
            }
        }
        if (host.contains(",")) {
            throw new IllegalArgumentException("several hosts in one URL are not supported by the test harness: "
                    + redact(url));
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        if (database.isEmpty()) {
            database = DEFAULT_DATABASE;
        }
        if (user == null || user.isEmpty()) {
            user = System.getProperty("user.name");
        }
        return new PostgresUrl(host, port, database, user, password == null ? "" : password, params);
    }

    /** The same server, user and options, pointing at another database. */
    PostgresUrl withDatabase(String otherDatabase) {
        return new PostgresUrl(host, port, otherDatabase, user, password, parameters);
    }

    /** {@code jdbc:postgresql://host:port/db?options}, without the credentials (pass those separately). */
    String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database) + query();
    }

    /** {@code postgresql://user:pass@host:port/db?options}, the {@code DATABASE_URL} form, percent-encoded. */
    String databaseUrl() {
        String credentials = encode(user) + (password.isEmpty() ? "" : ":" + encode(password)) + "@";
        return "postgresql://" + credentials + hostForUrl() + ":" + port + "/" + encode(database) + query();
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "postgresql://" + user + (password.isEmpty() ? "" : ":***") + "@" + hostForUrl() + ":" + port + "/"
                + database + query();
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private String query() {
        if (parameters.isEmpty()) {
            return "";
        }
        StringJoiner joiner = new StringJoiner("&", "?", "");
        parameters.forEach((key, value) -> joiner.add(encode(key) + "=" + encode(value)));
        return joiner.toString();
    }

    private static int parsePort(String text, String url) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + text + "' in " + redact(url), e);
        }
    }

    /** For error messages: the URL with the password masked, in either URL form. */
    static String redact(String url) {
        if (url == null) {
            return "null";
        }
        return url.replaceAll("(://[^:/@]*:).*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
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
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
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

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Encodes everything outside RFC 3986's unreserved set, so any user, password or name survives a round trip. */
    static String encode(String text) {
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
