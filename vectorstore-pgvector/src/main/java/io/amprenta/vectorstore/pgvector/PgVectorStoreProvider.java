package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.spi.VectorStoreProvider;

/**
 * Registers the {@code pgvector} backend ({@code VECTOR_BACKEND=pgvector}). It connects with {@code DATABASE_URL}
 * (or the libpq variables {@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE}) through a HikariCP pool of
 * {@code PGVECTOR_POOL_SIZE} connections and reads every {@code PGVECTOR_*} setting described by
 * {@link PgVectorSettings}.
 */
public final class PgVectorStoreProvider implements VectorStoreProvider {

    /** The backend's name. */
    public static final String NAME = "pgvector";

    /** Called by {@link java.util.ServiceLoader}; does no I/O. */
    public PgVectorStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VectorStore create(VectorStoreConfig config) {
        return PgVectorStore.builder().config(config).build();
    }
}
