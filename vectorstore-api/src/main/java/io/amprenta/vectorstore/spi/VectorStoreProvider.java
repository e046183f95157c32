package io.amprenta.vectorstore.spi;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;

/**
 * Creates stores of one backend. Implementations are registered in
 * {@code META-INF/services/io.amprenta.vectorstore.spi.VectorStoreProvider} and found by
 * {@link io.amprenta.vectorstore.VectorStores} through {@link java.util.ServiceLoader}; they need a public
 * no-argument constructor that does no I/O (connect in {@link #create}).
 */
public interface VectorStoreProvider {

    /** The value of {@code VECTOR_BACKEND} that selects this backend, lower case, e.g. {@code pgvector}. */
    String name();

    /**
     * A new store configured from {@code config}; the caller closes it.
     *
     * @throws ConfigurationException naming the missing or invalid key
     */
    VectorStore create(VectorStoreConfig config);
}
