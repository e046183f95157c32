package io.amprenta.vectorstore;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Immutable configuration: the keys of DESIGN §5 ({@code VECTOR_BACKEND}, {@code DATABASE_URL},
 * {@code PINECONE_API_KEY}, ...) with typed getters whose errors name the key and the fix.
 *
 * <p>{@link #fromEnvironment()} reads environment variables overlaid by system properties of the same
 * name; {@link #of(Map)} takes the keys explicitly. A blank value counts as unset, as it does for a
 * shell variable set to nothing. {@link #toString()} hides secrets: keys that name a password, API key,
 * secret or token, and the password inside a database URL.
 */
public final class VectorStoreConfig {

    /** Which backend {@link VectorStores#get()} creates: {@code pinecone} (default), {@code pgvector} or {@code memory}. */
    public static final String VECTOR_BACKEND = "VECTOR_BACKEND";

    /** The backend used when {@link #VECTOR_BACKEND} is unset. */
    public static final String DEFAULT_BACKEND = "pinecone";

    private static final Pattern SECRET_KEY = Pattern.compile("PASSWORD|API_KEY|APIKEY|SECRET|TOKEN|CREDENTIAL");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@?#]*:)([^@/?#]*)(@)");
    private static final Pattern QUERY_PASSWORD = Pattern.compile("((?:^|[?&;])password=)([^&;]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHOWN_KEYS = Pattern.compile(
            "VECTOR_.*|VECTORSTORE_.*|PINECONE_.*|PGVECTOR_.*|MEMORY_.*|DATABASE_URL|EMBEDDING_MODEL|PG[A-Z]+");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static final String REDACTED = "****";

    private final Map<String, String> values;

    private VectorStoreConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
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

    /** An integer setting within {@code [min, max]}, if set. */
    public Optional<Integer> getInt(String key, int min, int max) {
        return get(key).map(value -> {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the accepted range
            }
            throw invalid(key, value, "an integer from " + min + " to " + max);
        });
    }

    /** An integer setting within {@code [min, max]}, or {@code defaultValue}. */
    public int getInt(String key, int defaultValue, int min, int max) {
        return getInt(key, min, max).orElse(defaultValue);
    }

    /** A decimal setting within {@code [min, max]}, or {@code defaultValue}. */
    public double getDouble(String key, double defaultValue, double min, double max) {
        return get(key).map(value -> {
            try {
                double parsed = Double.parseDouble(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the accepted range
            }
            throw invalid(key, value, "a number from " + min + " to " + max);
        }).orElse(defaultValue);
    }

    /** A boolean setting ({@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}), or {@code defaultValue}. */
    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(key, value, "true or false");
        }).orElse(defaultValue);
    }

    /**
     * A duration setting, or {@code defaultValue}: a number with a unit ({@code 250ms}, {@code 30s},
     * {@code 5m}, {@code 1h}), a bare number of seconds, or ISO-8601 ({@code PT30S}).
     */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(value -> parseDuration(key, value)).orElse(defaultValue);
    }

    private static Duration parseDuration(String key, String value) {
        Matcher simple = SIMPLE_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            String unit = simple.group(2) == null ? "s" : simple.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(key, value, "a duration such as 500ms, 30s, 5m or PT30S");
        }
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
