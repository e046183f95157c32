package io.amprenta.vectorstore.dualwrite;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.spi.VectorStoreProvider;
import java.util.Locale;

/**
 * Registers {@code VECTOR_BACKEND=dual}: a {@link DualWriteVectorStore} whose two sides are created from
 * the same configuration with {@code VECTOR_BACKEND} set to {@code DUAL_WRITE_PRIMARY} (default
 * {@code pinecone}) and {@code DUAL_WRITE_SECONDARY} (default {@code pgvector}). Also read:
 * {@code DUAL_WRITE_SHADOW_READ_RATE} (0 to 1, default 0.1) and {@code DUAL_WRITE_STRICT} (default false).
 */
public final class DualWriteVectorStoreProvider implements VectorStoreProvider {

    /** The backend's name. */
    public static final String NAME = "dual";
    /** The backend reads come from. */
    public static final String DUAL_WRITE_PRIMARY = "DUAL_WRITE_PRIMARY";
    /** The backend that also receives every write. */
    public static final String DUAL_WRITE_SECONDARY = "DUAL_WRITE_SECONDARY";
    /** The fraction of queries also run on the secondary. */
    public static final String DUAL_WRITE_SHADOW_READ_RATE = "DUAL_WRITE_SHADOW_READ_RATE";
    /** Whether a failed secondary write fails the call. */
    public static final String DUAL_WRITE_STRICT = "DUAL_WRITE_STRICT";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VectorStore create(VectorStoreConfig config) {
        String primaryName = config.get(DUAL_WRITE_PRIMARY, "pinecone").trim().toLowerCase(Locale.ROOT);
        String secondaryName = config.get(DUAL_WRITE_SECONDARY, "pgvector").trim().toLowerCase(Locale.ROOT);
        if (primaryName.equals(NAME) || secondaryName.equals(NAME) || primaryName.equals(secondaryName)) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, DUAL_WRITE_PRIMARY + " is '" + primaryName + "' and "
                    + DUAL_WRITE_SECONDARY + " is '" + secondaryName + "'; they must name two different backends other than"
                    + " 'dual', e.g. pinecone and pgvector.");
        }
        double rate = config.getDouble(DUAL_WRITE_SHADOW_READ_RATE, 0.1, 0, 1);
        boolean strict = config.getBoolean(DUAL_WRITE_STRICT, false);
        VectorStore primary = VectorStores.get(config.with(VectorStoreConfig.VECTOR_BACKEND, primaryName));
        try {
            VectorStore secondary = VectorStores.get(config.with(VectorStoreConfig.VECTOR_BACKEND, secondaryName));
            try {
                return DualWriteVectorStore.builder(primary, secondary).shadowReadRate(rate).strict(strict).build();
            } catch (RuntimeException e) {
                secondary.close();
                throw e;
            }
        } catch (RuntimeException e) {
            primary.close();
            throw e;
        }
    }
}
