package io.amprenta.vectorstore;

import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A vector index with metadata, the same on every backend: Pinecone, PostgreSQL with pgvector, or the
 * exact in-memory store. Obtain one from {@link VectorStores#get()}, which picks the backend from
 * {@code VECTOR_BACKEND}, so switching backends (and rolling back) changes no application code.
 *
 * <p>Every store operates on one namespace ({@link #namespace()}, {@code ""} unless configured);
 * {@link #inNamespace(String)} gives a view of another. Scores, filters and limits behave identically on
 * every backend (see {@link DistanceMetric} and {@link Filter}); limits are checked before anything is
 * sent, so a call that works on one backend works on the other. Stores are thread-safe. Close the store
 * you obtained; views share its resources and need no closing.
 *
 * <p>Failures are {@link VectorStoreException}s; a rejected write stores nothing.
 */
public interface VectorStore extends AutoCloseable {

    /**
     * Inserts or replaces records by id. Large lists are split as the backend requires. When an id
     * appears twice in the list, the last one wins.
     *
     * @throws InvalidRequestException when any record breaks a limit; then nothing is written
     */
    void upsert(List<VectorRecord> records);

    /**
     * The {@code topK} records nearest to the query vector that match its filter, best first. Returns
     * fewer only when fewer records match.
     */
    List<Match> query(Query query);

    /** The records with these ids, keyed by id; ids that do not exist are absent from the map. */
    Map<String, VectorRecord> fetch(Collection<String> ids);

    /**
     * The records nearest to a stored record (Pinecone's query by id): a query whose vector is the dense values
     * of record {@code id} in this namespace, shaped by {@code options} (top-k, filter, score threshold, what
     * matches include; e.g. {@code q -> q.topK(5)}). The record itself is among the matches when it passes the
     * filter, as in Pinecone. Add {@code sparseVector(...)} for a hybrid query; the record's own sparse values
     * are not used, as Pinecone uses only the dense values of the record.
     *
     * @return the matches, or an empty list when no record has this id (as Pinecone answers)
     */
    default List<Match> queryById(String id, UnaryOperator<Query.Builder> options) {
        Objects.requireNonNull(options, "options");
        VectorRecord record = fetch(List.of(id)).get(id);
        if (record == null) {
            return List.of();
        }
        return query(Objects.requireNonNull(options.apply(Query.builder(record.values())), "options result").build());
    }

    /**
     * Replaces the dense values and/or the sparse values of the existing record {@code id}, leaving its
     * metadata and the part passed as null as they are (Pinecone's {@code update} with values). The new values
     * are checked like an upsert's.
     *
     * @param values the new dense values, or null to keep them
     * @param sparseValues the new sparse values, or null to keep them
     * @return whether the record existed; when it did not, nothing was written
     * @throws InvalidRequestException when both are null or the new values break a limit; nothing is written
     */
    boolean update(String id, float[] values, SparseValues sparseValues);

    /**
     * Merges {@code metadata} into the metadata of the existing record {@code id}: the given keys are set,
     * the others kept, the vector is neither resent nor touched (Pinecone's {@code update} with
     * {@code set_metadata}). The merged metadata is checked like an upsert's (types, size).
     *
     * @return whether the record existed; when it did not, nothing was written
     * @throws InvalidRequestException when a value's type is not supported or the merged metadata is too large;
     *     nothing is written
     */
    boolean setMetadata(String id, Map<String, ?> metadata);

    /**
     * One page of the records in this namespace whose metadata matches the page request's filter, whole
     * (Pinecone's {@code fetch_by_metadata}). Start with {@code RecordPageRequest.of(filter)} and follow
     * {@link RecordPage#next()}; every matching record is on exactly one page when the store is not written
     * meanwhile.
     */
    RecordPage fetchByFilter(RecordPageRequest request);

    /**
     * The namespaces that hold records, sorted, the default namespace as {@code ""} (Pinecone's
     * {@code list_namespaces}).
     */
    default List<String> listNamespaces() {
        return stats().namespaces();
    }

    /**
     * Deletes the namespace {@code namespace} with every record in it (Pinecone's {@code delete_namespace});
     * a namespace that holds nothing is left as it is. The same as {@code inNamespace(namespace).deleteAll()}.
     */
    default void deleteNamespace(String namespace) {
        inNamespace(Objects.requireNonNull(namespace, "namespace")).deleteAll();
    }

    /** Deletes the records with these ids; ids that do not exist are ignored. */
    void delete(Collection<String> ids);

    /** Deletes every record whose metadata matches {@code filter}. */
    void deleteByFilter(Filter filter);

    /** Deletes every record in this store's namespace. */
    void deleteAll();

    /** One page of ids in this namespace, optionally only those starting with a prefix. */
    IdPage listIds(IdPageRequest request);

    /** All ids starting with {@code prefix} (empty for all), fetched page by page as the stream is read. */
    default Stream<String> streamIds(String prefix) {
        Iterator<String> ids = new Iterator<>() {
            private IdPageRequest nextRequest = IdPageRequest.all().withPrefix(prefix);
            private Iterator<String> page = List.<String>of().iterator();

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && nextRequest != null) {
                    IdPage fetched = listIds(nextRequest);
                    page = fetched.ids().iterator();
                    nextRequest = fetched.next().orElse(null);
                }
                return page.hasNext();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(ids, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Dimension, metric and record counts of every namespace. */
    StoreStats stats();

    /** How long {@link #health()} waits for the canary search before it reports {@code DOWN}. */
    Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Runs a canary search in this namespace and reports whether, and how fast, the store answers. Never throws, and
     * never takes much longer than {@link #DEFAULT_HEALTH_TIMEOUT}: a store that does not answer by then is
     * {@code DOWN}.
     */
    HealthReport health();

    /** Like {@link #health()}, reporting {@code DOWN} when the store does not answer within {@code timeout}. */
    HealthReport health(Duration timeout);

    /** The namespace this store reads and writes. */
    String namespace();

    /** A view of the same store bound to {@code namespace}; closing the view does nothing. */
    VectorStore inNamespace(String namespace);

    /**
     * Whether this store keeps records' sparse values and answers hybrid queries. A store that does not
     * refuses records and queries with sparse values ({@link ErrorCode#SPARSE_VALUES_UNSUPPORTED}) rather
     * than dropping them. Defaults to no, so that wrappers which do not know say no.
     */
    default boolean supportsSparseValues() {
        return false;
    }

    /** The backend's name: {@code pinecone}, {@code pgvector} or {@code memory}. */
    String backend();

    /**
     * The backend's underlying object, for what this API does not cover: for pgvector the
     * {@code javax.sql.DataSource}, for Pinecone the client's {@code Index}.
     *
     * @throws InvalidRequestException naming what this store can be unwrapped to, when it is not {@code type}
     */
    <T> T unwrap(Class<T> type);

    /** Releases connections and threads. Idempotent. Later calls fail with {@link ErrorCode#STORE_CLOSED}. */
    @Override
    void close();
}
