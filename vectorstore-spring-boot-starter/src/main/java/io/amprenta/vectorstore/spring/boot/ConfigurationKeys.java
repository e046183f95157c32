package io.amprenta.vectorstore.spring.boot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Collects the library's configuration keys from Spring's environment: the keys themselves ({@code VECTOR_BACKEND},
 * {@code PGVECTOR_TABLE}, ... from environment variables, system properties or any property file) and their
 * {@code vectorstore.*} property names ({@code vectorstore.backend}, {@code vectorstore.pgvector.table}, also in their
 * environment-variable form {@code VECTORSTORE_PGVECTOR_TABLE}). Property sources are read from the lowest precedence
 * to the highest, so the one Spring ranks highest wins, as it does for any property.
 */
final class ConfigurationKeys {

    // The library's own keys, as VectorStoreConfig shows them.
    private static final Pattern RAW_KEY = Pattern.compile(
            "VECTOR_[A-Z0-9_]+|PINECONE_[A-Z0-9_]+|PGVECTOR_[A-Z0-9_]+|MEMORY_[A-Z0-9_]+|DUAL_WRITE_[A-Z0-9_]+"
                    + "|DATABASE_URL|EMBEDDING_MODEL|PG(HOST|PORT|USER|PASSWORD|DATABASE|SSLMODE)");
    private static final Set<String> LIBPQ = Set.of("HOST", "PORT", "USER", "PASSWORD", "DATABASE", "SSLMODE");
    private static final String PREFIX = "vectorstore.";
    private static final String ENV_PREFIX = "VECTORSTORE_";

    // The starter's own settings (VectorStoreProperties), which are not library keys.
    private static final List<String> STARTER_SETTINGS = List.of("ENABLED", "METRICS_", "HEALTH_", "LANGCHAIN4J_",
            "SPRING_AI_", "PGVECTOR_USE_DATA_SOURCE", "PGVECTOR_INITIALIZE_SCHEMA");

    private ConfigurationKeys() {
    }

    static Map<String, String> resolve(ConfigurableEnvironment environment) {
        List<PropertySource<?>> sources = new ArrayList<>();
        environment.getPropertySources().forEach(sources::add);
        Map<String, String> keys = new HashMap<>();
        for (int i = sources.size() - 1; i >= 0; i--) {
            if (!(sources.get(i) instanceof EnumerablePropertySource<?> source)
                    || "configurationProperties".equals(source.getName())) {
                continue;
            }
            Map<String, String> fromSource = new HashMap<>();
            for (String name : source.getPropertyNames()) {
                String key = keyOf(name);
                Object value = key == null ? null : source.getProperty(name);
                if (value != null) {
                    // Within one source a vectorstore.* name wins over the bare key.
                    if (!fromSource.containsKey(key) || !RAW_KEY.matcher(name).matches()) {
                        fromSource.put(key, environment.resolvePlaceholders(String.valueOf(value)));
                    }
                }
            }
            keys.putAll(fromSource);
        }
        return keys;
    }

    /** The library key a property name sets, or null when it sets none. */
    static String keyOf(String name) {
        String rest;
        if (name.startsWith(PREFIX)) {
            rest = name.substring(PREFIX.length());
        } else if (name.startsWith(ENV_PREFIX)) {
            rest = name.substring(ENV_PREFIX.length());
        } else {
            return RAW_KEY.matcher(name).matches() ? name : null;
        }
        String key = normalize(rest);
        if (key.isEmpty() || STARTER_SETTINGS.stream().anyMatch(s -> s.endsWith("_") ? key.startsWith(s) : key.equals(s))) {
            return null;
        }
        if (key.equals("BACKEND")) {
            return "VECTOR_BACKEND";
        }
        if (key.startsWith("PG_") && LIBPQ.contains(key.substring(3))) {
            return "PG" + key.substring(3);
        }
        return key;
    }

    // pgvector.ef-search, pgvector.efSearch and PGVECTOR_EF_SEARCH all become PGVECTOR_EF_SEARCH.
    private static String normalize(String rest) {
        StringBuilder key = new StringBuilder(rest.length() + 8);
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '.' || c == '-' || c == '_') {
                if (key.length() > 0 && key.charAt(key.length() - 1) != '_') {
                    key.append('_');
                }
            } else if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(rest.charAt(i - 1))) {
                key.append('_').append(c);
            } else {
                key.append(Character.toUpperCase(c));
            }
        }
        return key.toString().toUpperCase(Locale.ROOT);
    }
}
