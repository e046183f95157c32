package io.amprenta.vectorstore;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Immutable configuration: the values of keys such as {@code VECTOR_BACKEND}, {@code DATABASE_URL} and
 * {@code PINECONE_API_KEY}. Each key is declared once as a {@link Setting}, which reads and checks its value here:
 * {@code PgVectorSettings.EF_SEARCH.from(config)}.
 *
 * <p>{@link #fromEnvironment()} reads environment variables overlaid by system properties of the same
 * name; {@link #of(Map)} takes the keys explicitly. A blank value counts as unset, as it does for a
 * shell variable set to nothing. {@link #toString()} hides secrets: keys that name a password, API key,
 * secret or token, and the password inside a database URL.
 */
public final class VectorStoreConfig {

    /** Which backend {@link VectorStores#get()} creates. */
    public static final Setting<String> VECTOR_BACKEND = Setting.text("VECTOR_BACKEND", "pinecone",
            "`pinecone`, `pgvector`, `memory` (exact search in memory) or `dual` (writes to two backends, see below)");

    private static final Pattern SECRET_KEY = Pattern.compile("PASSWORD|API_KEY|APIKEY|SECRET|TOKEN|CREDENTIAL");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@?#]*:)([^@/?#]*)(@)");
    private static final Pattern QUERY_PASSWORD = Pattern.compile("((?:^|[?&;])password=)([^&;]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHOWN_KEYS = Pattern.compile(
            "VECTOR_.*|VECTORSTORE_.*|PINECONE_.*|PGVECTOR_.*|MEMORY_.*|DATABASE_URL|EMBEDDING_MODEL|PG[A-Z]+");
    private static final String REDACTED = "****";

    private final Map<String, String> values;

    private VectorStoreConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** The keys every backend shares, for the README's tables. */
    public static List<Setting<?>> settings() {
        return List.of(VECTOR_BACKEND);
    }

    /** Environment variables, overlaid by system properties of the same name. */
    public static VectorStoreConfig fromEnvironment() {
        return overlay(System.getenv(), System.getProperties());
    }

    // System properties win over environment variables, so `-DVECTOR_BACKEND=memory` overrides the shell.
    static VectorStoreConfig overlay(Map<String, String> environment, Properties properties) {
        Map<String, String> merged = new HashMap<>(environment);
        properties.stringPropertyNames().forEach(key -> merged.put(key, properties.getProperty(key)));
        return of(merged);
    }

    /** Exactly these keys; blank values count as unset. */
    public static VectorStoreConfig of(Map<String, String> values) {
        Map<String, String> copy = new HashMap<>();
        values.forEach((key, value) -> {
            if (key != null && value != null && !value.isBlank()) {
                copy.put(key, value.trim());
            }
        });
        return new VectorStoreConfig(copy);
    }

    /** A copy with {@code key} set to {@code value} (or removed when value is null or blank). */
    public VectorStoreConfig with(String key, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(key, value);
        return of(copy);
    }

    /** The value of {@code key}, if set. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value of {@code key}, or {@code defaultValue}. */
    public String get(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * The value of {@code key}.
     *
     * @param why what the key is for, completing "Set KEY to ...", e.g. {@code "the name of your Pinecone index"}
     * @throws ConfigurationException naming the key when it is unset
     */
    public String require(String key, String why) {
        String value = values.get(key);
        if (value == null) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING,
                    key + " is not set. Set it to " + why + " (environment variable, system property or map entry).");
        }
        return value;
    }

    /** The error for a set but unusable value; secrets are not echoed. */
    public static ConfigurationException invalid(String key, String value, String expected) {
        String shown = isSecret(key) ? REDACTED : "'" + redact(key, value) + "'";
        return new ConfigurationException(ErrorCode.INVALID_SETTING,
                key + " is " + shown + " but must be " + expected + ".");
    }

    /** Every key and value, unredacted, for handing on to another component. */
    public Map<String, String> asMap() {
        return values;
    }

    /** Whether the value of {@code key} must never be shown. */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key.toUpperCase(Locale.ROOT)).find();
    }

    /** {@code value} as it may be shown: masked for secret keys, with any URL or query password masked. */
    public static String redact(String key, String value) {
        if (value == null) {
            return null;
        }
        if (isSecret(key)) {
            return REDACTED;
        }
        String masked = URL_PASSWORD.matcher(value).replaceAll("$1" + REDACTED + "$3");
        return QUERY_PASSWORD.matcher(masked).replaceAll("$1" + REDACTED);
    }

    /** The library's own keys with secrets masked; other environment entries are left out. */
    @Override
    public String toString() {
        return new TreeMap<>(values).entrySet().stream()
                .filter(entry -> SHOWN_KEYS.matcher(entry.getKey()).matches())
                .map(entry -> entry.getKey() + "=" + redact(entry.getKey(), entry.getValue()))
                .collect(Collectors.joining(", ", "VectorStoreConfig{", "}"));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VectorStoreConfig that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }
}
