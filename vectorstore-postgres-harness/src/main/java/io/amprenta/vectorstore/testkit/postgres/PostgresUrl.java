package io.amprenta.vectorstore.testkit.postgres;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a PostgreSQL database is and how to log in: {@code VECTORSTORE_TEST_DATABASE_URL} in any form the
 * project's one URL parser reads ({@code postgresql://user:pass@host:port/db}, {@code jdbc:postgresql://...},
 * {@code postgresql+psycopg2://...}), with the harness's defaults filled in: one host, port 5432, the
 * {@code postgres} maintenance database, the OS user.
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
        io.amprenta.vectorstore.internal.PostgresUrl parsed = io.amprenta.vectorstore.internal.PostgresUrl.parse(url);
        if (parsed.hosts().size() > 1) {
            throw new IllegalArgumentException("several hosts in one URL are not supported by the test harness: "
                    + redact(url));
        }
        Map<String, String> parameters = new LinkedHashMap<>(parsed.parameters());
        String database = parsed.database() != null ? parsed.database() : parameters.remove("dbname");
        io.amprenta.vectorstore.internal.PostgresUrl.Host host = parsed.hosts().get(0);
        return new PostgresUrl(host.name().isEmpty() ? "localhost" : host.name(), host.port().orElse(DEFAULT_PORT),
                database == null || database.isEmpty() ? DEFAULT_DATABASE : database,
                parsed.user() == null ? System.getProperty("user.name") : parsed.user(),
                parsed.password() == null ? "" : parsed.password(), parameters);
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

    /** For error messages: the URL with the password masked, in either URL form. */
    static String redact(String url) {
        return io.amprenta.vectorstore.internal.PostgresUrl.redact(url);
    }

    /** Encodes everything outside RFC 3986's unreserved set, so any user, password or name survives a round trip. */
    static String encode(String text) {
        return io.amprenta.vectorstore.internal.PostgresUrl.encode(text);
    }
}
