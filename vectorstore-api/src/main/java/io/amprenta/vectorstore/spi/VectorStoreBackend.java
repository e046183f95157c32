package io.amprenta.vectorstore.spi;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.internal.Canary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a backend implements: the {@link io.amprenta.vectorstore.VectorStore} operations with the
 * namespace passed explicitly. {@link BackendVectorStore} turns a backend into a {@code VectorStore}: it
 * checks every {@link Limits limit} before a call reaches the backend, drops duplicate ids from a batch
 * (the last one wins), binds namespaces and handles closing, so backends receive only valid requests
 * and every backend rejects exactly the same inputs.
 *
 * <p>Implementations must be thread-safe. They split batches as their service requires, and map their
 * failures onto the {@link io.amprenta.vectorstore.VectorStoreException} kinds.
 */
public interface VectorStoreBackend extends AutoCloseable {

    /** The backend's name, as in {@code VECTOR_BACKEND}. */
    String name();

    /** The distance metric, fixed for the store's lifetime. */
    DistanceMetric metric();

    /** The vector dimension, or empty while a store that learns it from the first write is empty. */
    OptionalInt dimension();

    /**
     * Whether the backend stores sparse values and answers hybrid (dense + sparse) queries. A backend that
     * says no never receives a record or query with sparse values: {@link BackendVectorStore} refuses them
     * before anything is written, so that no backend drops them silently. Defaults to no.
     */
    default boolean supportsSparseValues() {
        return false;
    }

    /**
     * What to do when this backend refuses sparse values, for the refusal's message: by default, use another
     * backend or drop them; a backend that can gain them (pgvector, by a schema upgrade) says how.
     */
    default String sparseValuesFix() {
        return "Use a store whose backend supports sparse values (pinecone, memory), or remove the sparse values"
                + " (withSparseValues(null)) if the application does not need them.";
    }

    /** Writes valid, id-unique records (with sparse values only if {@link #supportsSparseValues()}). */
    void upsert(String namespace, List<VectorRecord> records);

    /** Runs a valid query. */
    List<Match> query(String namespace, Query query);

    /** Fetches distinct, valid ids; absent ids are left out. */
    Map<String, VectorRecord> fetch(String namespace, List<String> ids);

    /**
     * Applies Pinecone's {@code update} to the existing record {@code id}: the non-null parts replace the
     * record's (dense values, sparse values), {@code setMetadata}'s keys are merged into its metadata, the rest
     * is kept. {@link BackendVectorStore} has checked that the record exists and that the updated record is
     * valid (sparse values only if {@link #supportsSparseValues()}); backends apply the change without
     * rewriting what it does not touch.
     *
     * @param values the new dense values, or null
     * @param sparseValues the new sparse values, or null
     * @param setMetadata the metadata keys to set (normalized), or null
     * @return whether the record was still there to update
     */
    boolean update(String namespace, String id, float[] values, SparseValues sparseValues, Map<String, Object> setMetadata);

    /** One page of the records whose metadata matches the request's filter, in id order within the page. */
    RecordPage fetchByFilter(String namespace, RecordPageRequest request);

    /** The namespaces that hold records, sorted. The default reads them from {@link #stats()}. */
    default List<String> listNamespaces() {
        return stats().namespaces();
    }

    /** Deletes a namespace with its records. The default deletes all its records. */
    default void deleteNamespace(String namespace) {
        deleteAll(namespace);
    }

    /** Deletes distinct, valid ids. */
    void delete(String namespace, List<String> ids);

    /** Deletes the records whose metadata matches. */
    void deleteByFilter(String namespace, Filter filter);

    /** Deletes every record of the namespace. */
    void deleteAll(String namespace);

    /** One page of ids. */
    IdPage listIds(String namespace, IdPageRequest request);

    /** Counts of every namespace. */
    StoreStats stats();

    /**
     * A canary search in {@code namespace}. The default queries the first unit vector with top-k 1;
     * backends override it to add what they know (index presence, row counts). May throw: the caller
     * turns exceptions into a {@code DOWN} report.
     */
    default HealthReport health(String namespace) {
        long started = System.nanoTime();
        OptionalInt dimension = dimension();
        if (dimension.isEmpty()) {
            return new HealthReport(HealthReport.Status.UP, name(), Duration.ofNanos(System.nanoTime() - started),
                    "empty store; the dimension is fixed by the first write", Map.of());
        }
        int found = query(namespace, Canary.query(dimension.getAsInt())).size();
        return new HealthReport(HealthReport.Status.UP, name(), Duration.ofNanos(System.nanoTime() - started),
                "canary search answered", Map.of("dimension", dimension.getAsInt(), "metric",
                        metric().configName(), "canaryMatches", found));
    }

    /** The underlying object of {@code type} (a DataSource, a client), if the backend has one. */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /** The types {@link #unwrap} can return, for the error message when another is asked for. */
    default List<Class<?>> unwrappableTypes() {
        return List.of(getClass());
    }

    /** Releases connections and threads; called once. */
    @Override
    void close();
}
