package io.amprenta.vectorstore;

import io.amprenta.vectorstore.spi.VectorStoreProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The providers found on a class loader. A provider that fails to load is remembered with its reason
 * instead of hiding the others; a name registered twice is reported when it is asked for.
 */
final class ProviderRegistry {

    /** The backends this project ships, and the artifact that brings each. */
    static final Map<String, String> KNOWN_BACKENDS = Map.of(
            "pinecone", "io.amprenta.vectorstore:vectorstore-pinecone",
            "pgvector", "io.amprenta.vectorstore:vectorstore-pgvector",
            "memory", "io.amprenta.vectorstore:vectorstore-api");

    // A safety net: ServiceLoader's iterator moves past a bad entry, but never loop forever if it does not.
    private static final int MAX_LOAD_FAILURES = 1000;

    private final Map<String, List<VectorStoreProvider>> byName;
    private final List<String> failures;

    private ProviderRegistry(Map<String, List<VectorStoreProvider>> byName, List<String> failures) {
        this.byName = byName;
        this.failures = failures;
    }

    static ProviderRegistry load(ClassLoader classLoader) {
        Map<String, List<VectorStoreProvider>> byName = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Iterator<VectorStoreProvider> providers = ServiceLoader.load(VectorStoreProvider.class, classLoader).iterator();
        while (failures.size() < MAX_LOAD_FAILURES) {
            VectorStoreProvider provider;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                provider = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                failures.add(describe(e));
                continue;
            }
            register(provider, byName, failures);
        }
        return new ProviderRegistry(byName, failures);
    }

    private static void register(VectorStoreProvider provider, Map<String, List<VectorStoreProvider>> byName,
                                 List<String> failures) {
        String name;
        try {
            name = provider.name();
        } catch (RuntimeException | LinkageError e) {
            failures.add(provider.getClass().getName() + ": name() failed: " + describe(e));
            return;
        }
        if (name == null || name.isBlank()) {
            failures.add(provider.getClass().getName() + ": name() returned no name");
            return;
        }
        byName.computeIfAbsent(normalize(name), key -> new ArrayList<>()).add(provider);
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    VectorStoreProvider select(String requested) {
        String name = normalize(requested);
        List<VectorStoreProvider> candidates = byName.getOrDefault(name, List.of());
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.size() > 1) {
            throw new ConfigurationException(ErrorCode.DUPLICATE_BACKEND, "More than one backend is registered as '"
                    + name + "': " + candidates.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "))
                    + ". Keep only one of the jars that provide them on the classpath." + installed());
        }
        String artifact = KNOWN_BACKENDS.get(name);
        if (artifact != null) {
            throw new ConfigurationException(ErrorCode.BACKEND_NOT_INSTALLED, VectorStoreConfig.VECTOR_BACKEND.key() + " is '"
                    + name + "' but the " + name + " backend is not on the classpath. Add the Maven dependency "
                    + artifact + " (version from io.amprenta.vectorstore:vectorstore-bom)." + installed());
        }
        throw new ConfigurationException(ErrorCode.UNKNOWN_BACKEND, VectorStoreConfig.VECTOR_BACKEND.key() + " is '" + requested
                + "', which is not a backend. Set it to one of the installed backends, or add the artifact of another"
                + " (" + KNOWN_BACKENDS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")."
                + installed());
    }

    private String installed() {
        String list = byName.isEmpty() ? " Installed backends: none." : " Installed backends: " + String.join(", ", byName.keySet()) + ".";
        return failures.isEmpty() ? list : list + " Backends that failed to load: " + String.join("; ", failures) + ".";
    }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage() == null ? error : error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            text.append(" (caused by ").append(cause).append(')');
        }
        return text.toString();
    }
}
