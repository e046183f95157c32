package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.VectorStoreConfig;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SQL identifiers taken from configuration (schema, table and column names). They are the only names that
 * end up in SQL text, so they are checked against a strict pattern and then always double-quoted: a name that
 * could close the quote, start a comment or separate statements never gets past {@link #require}.
 */
final class Identifiers {

    /** PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
    public static final int MAX_LENGTH = 63;

    private static final Pattern SAFE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Identifiers() {
    }

    /** Whether {@code value} is a plain identifier: letters, digits and underscores, not starting with a digit, short. */
    public static boolean isPlain(String value) {
        return value != null && SAFE.matcher(value).matches() && value.length() <= MAX_LENGTH;
    }

    /**
     * Checks that {@code value}, the value of setting {@code key}, is a plain identifier: letters, digits and
     * underscores, not starting with a digit, at most {@value #MAX_LENGTH} characters.
     *
     * @return {@code value}, unchanged (names are case-sensitive, as they are when quoted in SQL)
     * @throws io.amprenta.vectorstore.ConfigurationException naming the key
     */
    public static String require(String key, String value) {
        if (value == null || !SAFE.matcher(value).matches() || value.length() > MAX_LENGTH) {
            String hint = value != null && value.contains(".")
                    ? "a plain name without a schema (set the schema with PGVECTOR_SCHEMA)"
                    : "a plain SQL name: letters, digits and underscores, not starting with a digit, at most "
                            + MAX_LENGTH + " characters";
            throw VectorStoreConfig.invalid(key, String.valueOf(value), hint);
        }
        return value;
    }

    /** {@code name} in double quotes; only called with names that passed {@link #require}. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code name} as a SQL string literal; only called with names that passed {@link #require}. */
    public static String literal(String name) {
        return '\'' + name.replace("'", "''") + '\'';
    }

    /**
     * An index or constraint name derived from a table name: {@code table_suffix}, shortened with a stable hash
     * when it would exceed {@value #MAX_LENGTH} bytes, so that PostgreSQL does not silently truncate two
     * different names to the same one.
     */
    public static String derived(String table, String suffix) {
        String name = table + "_" + suffix;
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_LENGTH) {
            return name;
        }
        String hash = HexFormat.of().formatHex(sha256(table)).substring(0, 8);
        int keep = MAX_LENGTH - suffix.length() - hash.length() - 2;
        return table.substring(0, keep) + "_" + hash + "_" + suffix;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
