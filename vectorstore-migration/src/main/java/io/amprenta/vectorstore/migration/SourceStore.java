package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a run's source store comes from: one the caller opened and owns, or a configuration the run opens a store from
 * (and closes afterwards) with the backend's own retries off, so that only the migrator's retry policy retries.
 */
final class SourceStore {

    private final VectorStore given;
    private final VectorStoreConfig config;

    private SourceStore(VectorStore given, VectorStoreConfig config) {
        this.given = given;
        this.config = config;
    }

    static SourceStore given(VectorStore store) {
        return new SourceStore(Objects.requireNonNull(store, "source"), null);
    }

    static SourceStore configured(VectorStoreConfig config) {
        return new SourceStore(null, Objects.requireNonNull(config, "sourceConfig"));
    }

    /**
     * The store for one run; closing it closes only a store this opened. Opening may already call the source (a Pinecone
     * store given only its host reads the index's statistics), so it is retried with {@code retry}, the run's policy,
     * like every later source call.
     */
    Opened open(RetryPolicy retry) {
        if (given != null) {
            return new Opened(given, false);
        }
        VectorStoreConfig withoutRetries = withoutBackendRetries(config);
        return new Opened(retry.execute("open the source", () -> VectorStores.get(withoutRetries)), true);
    }

    /**
     * {@code config} with the backend's {@code <BACKEND>_MAX_RETRIES} at 0: every backend declares its retry keys under
     * its name ({@link RetryPolicy.Keys}). The migrator retries each call itself and slows all its workers when the
     * source throttles; a backend retrying underneath would multiply the attempts and hide the throttling from it.
     */
    static VectorStoreConfig withoutBackendRetries(VectorStoreConfig config) {
        String backend = VectorStoreConfig.VECTOR_BACKEND.from(config).toUpperCase(Locale.ROOT);
        return config.with(RetryPolicy.Keys.of(backend, RetryPolicy.none()).maxRetries().key(), "0");
    }

    /** A run's source store. */
    record Opened(VectorStore store, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                store.close();
            }
        }
    }
}
