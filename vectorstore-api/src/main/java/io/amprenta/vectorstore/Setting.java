package io.amprenta.vectorstore;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One configuration key, declared once: its name, its default, the values it accepts, how its text is read, and one
 * line of documentation. Builders check the values they are given with {@link #check}, {@link VectorStores#get(java.util.Map)}
 * reads keys with {@link #from}, error messages name {@link #key()} and {@link #expected()}, and the README's
 * configuration tables are checked against {@link #documentationRow()} — so a range or a default is written in
 * exactly one place.
 *
 * <pre>{@code
 * static final Setting<Integer> EF_SEARCH = Setting.integer("PGVECTOR_EF_SEARCH", 100, 1, 1000,
 *         "HNSW candidates per query");
 * int efSearch = EF_SEARCH.from(config);      // the default when unset; an error naming the key when malformed
 * }</pre>
 *
 * <p>Immutable and thread-safe. A setting without a default ({@link #from} returns {@code null} when it is unset)
 * documents what happens instead with {@link #defaultText()}, e.g. "from the table's column".
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {

    private final String key;
    private final T defaultValue;
    private final String defaultText;
    private final String expected;
    private final Function<String, T> parser;
    private final Predicate<T> accepts;
    private final Function<T, String> formatter;
    private final String description;

    private Setting(String key, T defaultValue, String defaultText, String expected, Function<String, T> parser,
                    Predicate<T> accepts, Function<T, String> formatter, String description) {
        this.key = requireText("key", key);
        this.defaultValue = defaultValue;
        this.defaultText = requireText("defaultText", defaultText);
        this.expected = requireText("expected", expected);
        this.parser = Objects.requireNonNull(parser, "parser");
        this.accepts = Objects.requireNonNull(accepts, "accepts");
        this.formatter = Objects.requireNonNull(formatter, "formatter");
        this.description = requireText("description", description);
        if (defaultValue != null && !accepts.test(defaultValue)) {
            throw new IllegalArgumentException(key + ": the default " + defaultValue + " is not " + expected);
        }
    }

    /** An integer from {@code min} to {@code max}; {@code defaultValue} may be null for none. */
    public static Setting<Integer> integer(String key, Integer defaultValue, int min, int max, String description) {
        return new Setting<>(key, defaultValue, defaultValue == null ? "unset" : "`" + defaultValue + "`",
                max == Integer.MAX_VALUE ? "an integer of at least " + min : "an integer from " + min + " to " + max,
                text -> {
                    try {
                        return Integer.parseInt(text);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }, value -> value >= min && value <= max, String::valueOf, description);
    }

    /** A decimal number from {@code min} to {@code max}, both included. */
    public static Setting<Double> decimal(String key, Double defaultValue, double min, double max, String description) {
        return new Setting<>(key, defaultValue, defaultValue == null ? "unset" : "`" + formatDecimal(defaultValue) + "`",
                "a number from " + formatDecimal(min) + " to " + formatDecimal(max),
                text -> {
                    try {
                        return Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }, value -> value >= min && value <= max, Setting::formatDecimal, description);
    }

    /** A boolean: {@code true/false}, {@code yes/no}, {@code on/off} or {@code 1/0}. */
    public static Setting<Boolean> flag(String key, boolean defaultValue, String description) {
        return new Setting<>(key, defaultValue, "`" + defaultValue + "`", "true or false",
                text -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> null;
                }, value -> true, String::valueOf, description);
    }

    /**
     * A duration of at least {@code min}: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, a bare number of seconds,
     * or ISO-8601 ({@code PT30S}).
     */
    public static Setting<Duration> duration(String key, Duration defaultValue, Duration min, String description) {
        String expected = min.isZero() ? "a duration such as 500ms, 30s, 5m or PT30S (0 for none)"
                : "a duration of at least " + Durations.format(min) + " such as 500ms, 30s, 5m or PT30S";
        return new Setting<>(key, defaultValue, defaultValue == null ? "unset" : "`" + Durations.format(defaultValue) + "`",
                expected, Durations::parse, value -> value.compareTo(min) >= 0, Durations::format, description);
    }

    /** Any text; {@code defaultValue} may be null for none. */
    public static Setting<String> text(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, defaultValue == null ? "unset" : "`" + defaultValue + "`", "a text",
                Function.identity(), value -> true, Function.identity(), description);
    }

    /**
     * One of the constants of an enum, written as {@code name}s; {@code name} gives each constant's configuration
     * spelling (e.g. {@code relaxed_order}), which is matched ignoring case, with {@code -} read as {@code _}.
     */
    public static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type, E defaultValue, Function<E, String> name,
                                                       String description) {
        E[] constants = type.getEnumConstants();
        String accepted = Arrays.stream(constants).map(name).collect(Collectors.joining(", "));
        return new Setting<>(key, defaultValue, defaultValue == null ? "unset" : "`" + name.apply(defaultValue) + "`",
                "one of: " + accepted,
                text -> {
                    String wanted = text.toLowerCase(Locale.ROOT).replace('-', '_');
                    return Arrays.stream(constants)
                            .filter(constant -> name.apply(constant).toLowerCase(Locale.ROOT).replace('-', '_').equals(wanted))
                            .findFirst().orElse(null);
                }, value -> true, name, description);
    }

    /** The same setting, documented with {@code text} as its default (e.g. {@code "from the table's column"}). */
    public Setting<T> withDefaultText(String text) {
        return new Setting<>(key, defaultValue, text, expected, parser, accepts, formatter, description);
    }

    /** The same setting, also requiring {@code condition}; {@code expected} replaces the description of accepted values. */
    public Setting<T> accepting(Predicate<T> condition, String expected) {
        return new Setting<>(key, defaultValue, defaultText, expected, parser, accepts.and(condition), formatter, description);
    }

    /** The configuration key, e.g. {@code PGVECTOR_EF_SEARCH}. */
    public String key() {
        return key;
    }

    /** The value used when the key is unset; empty when there is none. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as the README shows it, e.g. {@code `100`}, {@code unset} or {@code from the table's column}. */
    public String defaultText() {
        return defaultText;
    }

    /** What the setting accepts, completing "must be ...", e.g. {@code an integer from 1 to 1000}. */
    public String expected() {
        return expected;
    }

    /** One line saying what the setting does. */
    public String description() {
        return description;
    }

    /** Whether the key names a secret, whose value is never shown. */
    public boolean secret() {
        return VectorStoreConfig.isSecret(key);
    }

    /**
     * The value of this key in {@code config}, or the default ({@code null} when there is none).
     *
     * @throws ConfigurationException naming the key and what it accepts when the value is unusable
     */
    public T from(VectorStoreConfig config) {
        return optionalFrom(config).orElse(defaultValue);
    }

    /** The value of this key in {@code config} when it is set; the default is not applied. */
    public Optional<T> optionalFrom(VectorStoreConfig config) {
        return config.get(key).map(this::parse);
    }

    /**
     * Reads {@code text} as this setting's value.
     *
     * @throws ConfigurationException naming the key and what it accepts
     */
    public T parse(String text) {
        T value = parser.apply(text.trim());
        if (value == null || !accepts.test(value)) {
            throw VectorStoreConfig.invalid(key, text, expected);
        }
        return value;
    }

    /**
     * Checks a value given in code (a builder's argument) as strictly as configuration text.
     *
     * @return {@code value}
     * @throws ConfigurationException naming the key and what it accepts
     */
    public T check(T value) {
        Objects.requireNonNull(value, key);
        if (!accepts.test(value)) {
            throw VectorStoreConfig.invalid(key, formatter.apply(value), expected);
        }
        return value;
    }

    /** {@code value} written as configuration text, e.g. {@code 30s} or {@code relaxed_order}. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** The README's table row: {@code | `KEY` | default | description |}. */
    public String documentationRow() {
        return "| `" + key + "` | " + defaultText + " | " + description + " |";
    }

    @Override
    public String toString() {
        return key;
    }

    private static String formatDecimal(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
