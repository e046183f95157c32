package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.spi.VectorStoreProvider;

/**
 * Registers the {@code pinecone} backend ({@code VECTOR_BACKEND=pinecone}, the default) with
 * {@link io.amprenta.vectorstore.VectorStores}. Reads the {@code PINECONE_*} keys described in
 * {@link PineconeSettings}.
 */
public final class PineconeVectorStoreProvider implements VectorStoreProvider {

    @Override
    public String name() {
        return PineconeBackend.NAME;
    }

    @Override
    public VectorStore create(VectorStoreConfig config) {
        return PineconeVectorStore.builder(config).build();
    }
}
