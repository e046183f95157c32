package io.amprenta.vectorstore.dualwrite;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.spi.VectorStoreProvider;
import java.util.List;
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
    public static final Setting<String> DUAL_WRITE_PRIMARY = Setting.text("DUAL_WRITE_PRIMARY", "pinecone",
            "the backend reads come from and that is written first");
    /** The backend that also receives every write. */
    public static final Setting<String> DUAL_WRITE_SECONDARY = Setting.text("DUAL_WRITE_SECONDARY", "pgvector",
            "the backend that also receives every write");
    /** The fraction of queries also run on the secondary. */
    public static final Setting<Double> DUAL_WRITE_SHADOW_READ_RATE = Setting.decimal("DUAL_WRITE_SHADOW_READ_RATE", 0.1,
            0, 1, "the fraction of queries also run on the secondary, in the background, to measure agreement");
    /** Whether a failed secondary write fails the call. */
    public static final Setting<Boolean> DUAL_WRITE_STRICT = Setting.flag("DUAL_WRITE_STRICT", false,
            "fail a write the secondary rejects (otherwise it is logged and kept for `repair()`)");

    /** Every key the dual-write backend reads, for the README's tables. */
    public static List<Setting<?>> settings() {
        return List.of(DUAL_WRITE_PRIMARY, DUAL_WRITE_SECONDARY, DUAL_WRITE_SHADOW_READ_RATE, DUAL_WRITE_STRICT);
    }

    /** Called by {@link java.util.ServiceLoader}. */
    public DualWriteVectorStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VectorStore create(VectorStoreConfig config) {
        String primaryName = DUAL_WRITE_PRIMARY.from(config).toLowerCase(Locale.ROOT);
        String secondaryName = DUAL_WRITE_SECONDARY.from(config).toLowerCase(Locale.ROOT);
        if (primaryName.equals(NAME) || secondaryName.equals(NAME) || primaryName.equals(secondaryName)) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, DUAL_WRITE_PRIMARY.key() + " is '" + primaryName + "' and "
                    + DUAL_WRITE_SECONDARY.key() + " is '" + secondaryName + "'; they must name two different backends other than"
                    + " 'dual', e.g. pinecone and pgvector.");
        }
        double rate = DUAL_WRITE_SHADOW_READ_RATE.from(config);
        boolean strict = DUAL_WRITE_STRICT.from(config);
        VectorStore primary = VectorStores.get(config.with(VectorStoreConfig.VECTOR_BACKEND.key(), primaryName));
        try {
            VectorStore secondary = VectorStores.get(config.with(VectorStoreConfig.VECTOR_BACKEND.key(), secondaryName));
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
