package io.amprenta.vectorstore;

import io.amprenta.vectorstore.spi.VectorStoreProvider;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: creates the {@link VectorStore} that {@code VECTOR_BACKEND} names, so an application
 * moves from Pinecone to pgvector (and back) by changing one variable.
 *
 * <pre>{@code
 * try (VectorStore store = VectorStores.get()) {          // environment + system properties
 *     store.upsert(List.of(VectorRecord.of("doc-1", embedding, Map.of("genre", "drama"))));
 *     List<Match> top = store.query(Query.builder(queryEmbedding).topK(5).build());
 * }
 * }</pre>
 *
 * <p>Backends are found with {@link java.util.ServiceLoader} ({@link VectorStoreProvider}); add
 * {@code vectorstore-pinecone} or {@code vectorstore-pgvector} to the classpath to install one. The
 * exact in-memory backend {@code memory} is always present. Each call returns a new store; close it.
 */
public final class VectorStores {

    private static final Logger LOG = LoggerFactory.getLogger(VectorStores.class);

    private VectorStores() {
    }

    /** A store configured from environment variables overlaid by system properties. */
    public static VectorStore get() {
        return get(VectorStoreConfig.fromEnvironment());
    }

    /** A store configured from exactly these keys (for tests and applications that hold their own settings). */
    public static VectorStore get(Map<String, String> config) {
        return get(VectorStoreConfig.of(config));
    }

    /**
     * A store configured from {@code config}.
     *
     * @throws ConfigurationException when the backend is unknown, not installed, registered twice, or
     *     misconfigured; the message lists the installed backends and names the artifact to add
     */
    public static VectorStore get(VectorStoreConfig config) {
        String backend = VectorStoreConfig.VECTOR_BACKEND.from(config);
        VectorStoreProvider provider = registry().select(backend);
        LOG.debug("Creating a {} vector store from {}", provider.name(), config);
        return provider.create(config);
    }

    /** The names of the backends found on the classpath, sorted, e.g. {@code [memory, pgvector]}. */
    public static List<String> installedBackends() {
        return registry().names();
    }

    private static ProviderRegistry registry() {
        return ProviderRegistry.load(VectorStores.class.getClassLoader());
    }
}
