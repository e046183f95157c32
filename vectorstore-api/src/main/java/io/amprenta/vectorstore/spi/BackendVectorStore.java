package io.amprenta.vectorstore.spi;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.internal.HealthChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The {@link VectorStore} every backend is exposed as: it checks {@link Limits} before anything reaches
 * the backend (so a rejected batch writes nothing), removes duplicate ids from batches (the last record
 * wins), binds the namespace, and makes {@link #close()} idempotent. Views from {@link #inNamespace}
 * share the backend; only the store that {@link #of created} it closes it.
 */
public final class BackendVectorStore implements VectorStore {

    private final VectorStoreBackend backend;
    private final String namespace;
    private final AtomicBoolean closed;
    private final boolean ownsBackend;

    private BackendVectorStore(VectorStoreBackend backend, String namespace, AtomicBoolean closed, boolean ownsBackend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.closed = closed;
        this.ownsBackend = ownsBackend;
    }

    /** A store over {@code backend} bound to {@code namespace}; closing it closes the backend. */
    public static VectorStore of(VectorStoreBackend backend, String namespace) {
        return new BackendVectorStore(backend, namespace, new AtomicBoolean(), true);
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        ensureOpen();
        if (records.isEmpty()) {
            return;
        }
        Map<String, VectorRecord> lastById = new LinkedHashMap<>(records.size() * 2);
        OptionalInt dimension = backend.dimension();
        for (VectorRecord record : records) {
            Objects.requireNonNull(record, "records must not contain null");
            // A store that learns its dimension from the first write still needs one dimension per batch.
            // Capability is checked just below, so that the refusal names the backend.
            Limits.checkRecord(record, dimension.isPresent() ? dimension : OptionalInt.of(record.dimension()), true);
            if (record.hasSparseValues() && !backend.supportsSparseValues()) {
                throw sparseUnsupported("Record " + Limits.quoteId(record.id()) + " has sparse values, but the "
                        + backend.name() + " store cannot store them; nothing was written");
            }
            if (dimension.isEmpty()) {
                dimension = OptionalInt.of(record.dimension());
            }
            lastById.put(record.id(), record);
        }
        backend.upsert(namespace, new ArrayList<>(lastById.values()));
    }

    @Override
    public List<Match> query(Query query) {
        ensureOpen();
        Objects.requireNonNull(query, "query");
        Limits.checkQuery(query, backend.dimension());
        if (query.hasSparseVector()) {
            if (!backend.supportsSparseValues()) {
                throw sparseUnsupported("The query has a sparse vector, but the " + backend.name()
                        + " store cannot search sparse values");
            }
            if (backend.metric() != DistanceMetric.DOTPRODUCT) {
                throw new InvalidRequestException(ErrorCode.INVALID_QUERY, "The query has a sparse vector, but this "
                        + backend.name() + " store uses the " + backend.metric().configName() + " metric; hybrid"
                        + " (dense + sparse) queries need a dotproduct store, as in Pinecone. Query without the sparse"
                        + " vector, or use a store whose metric is dotproduct.");
            }
        }
        List<Match> matches = backend.query(namespace, query);
        if (query.scoreThreshold() == null) {
            return matches;
        }
        // The best k of the records that pass a threshold are the passing ones among the best k, so filtering the
        // answer is exact for every backend and keeps the threshold's direction in one place (Query).
        return matches.stream().filter(match -> query.passesThreshold(backend.metric(), match.score())).toList();
    }

    @Override
    public boolean update(String id, float[] values, SparseValues sparseValues) {
        ensureOpen();
        Limits.checkId(id);
        if (values == null && sparseValues == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_UPDATE, "The update of record " + Limits.quoteId(id)
                    + " gives neither dense nor sparse values. Pass the values to replace, or use setMetadata to change"
                    + " only the metadata.");
        }
        return apply(id, values, sparseValues, null);
    }

    @Override
    public boolean setMetadata(String id, Map<String, ?> metadata) {
        ensureOpen();
        Limits.checkId(id);
        Objects.requireNonNull(metadata, "metadata");
        // Normalizing through a record checks the types exactly as an upsert would; the values are not used.
        return apply(id, null, null, VectorRecord.of(id, new float[0], metadata).metadata());
    }

    // Checks the parts given, then the record as it will be (merged metadata size, dimension), so that a bad update
    // writes nothing; the backend then changes only the parts given. The record is read first because the merged
    // metadata's size, and whether the record exists, are known only from it (see ARCHITECTURE.md, the query path).
    private boolean apply(String id, float[] values, SparseValues sparseValues, Map<String, Object> setMetadata) {
        String subject = "record " + Limits.quoteId(id);
        if (values != null) {
            Limits.checkRecord(VectorRecord.of(id, values), backend.dimension(), true);
        }
        if (sparseValues != null) {
            Limits.checkSparse(subject, sparseValues);
            if (!backend.supportsSparseValues()) {
                throw sparseUnsupported("The update of " + subject + " has sparse values, but the " + backend.name()
                        + " store cannot store them; nothing was written");
            }
        }
        VectorRecord current = backend.fetch(namespace, List.of(id)).get(id);
        if (current == null) {
            return false;
        }
        Map<String, Object> merged = new LinkedHashMap<>(current.metadata());
        if (setMetadata != null) {
            merged.putAll(setMetadata);
        }
        VectorRecord updated = new VectorRecord(id, values != null ? values : current.values(), merged,
                sparseValues != null ? sparseValues : current.sparseValues());
        Limits.checkRecord(updated, backend.dimension(), backend.supportsSparseValues());
        return backend.update(namespace, id, values, sparseValues, setMetadata);
    }

    @Override
    public RecordPage fetchByFilter(RecordPageRequest request) {
        ensureOpen();
        return backend.fetchByFilter(namespace, Objects.requireNonNull(request, "request"));
    }

    @Override
    public List<String> listNamespaces() {
        ensureOpen();
        return backend.listNamespaces();
    }

    @Override
    public void deleteNamespace(String otherNamespace) {
        ensureOpen();
        backend.deleteNamespace(Objects.requireNonNull(otherNamespace, "namespace"));
    }

    @Override
    public Map<String, VectorRecord> fetch(Collection<String> ids) {
        ensureOpen();
        List<String> distinct = distinctValidIds(ids);
        return distinct.isEmpty() ? Map.of() : backend.fetch(namespace, distinct);
    }

    @Override
    public void delete(Collection<String> ids) {
        ensureOpen();
        List<String> distinct = distinctValidIds(ids);
        if (!distinct.isEmpty()) {
            backend.delete(namespace, distinct);
        }
    }

    @Override
    public void deleteByFilter(Filter filter) {
        ensureOpen();
        backend.deleteByFilter(namespace, Objects.requireNonNull(filter, "filter"));
    }

    @Override
    public void deleteAll() {
        ensureOpen();
        backend.deleteAll(namespace);
    }

    @Override
    public IdPage listIds(IdPageRequest request) {
        ensureOpen();
        return backend.listIds(namespace, Objects.requireNonNull(request, "request"));
    }

    @Override
    public StoreStats stats() {
        ensureOpen();
        return backend.stats();
    }

    @Override
    public HealthReport health() {
        return health(DEFAULT_HEALTH_TIMEOUT);
    }

    @Override
    public HealthReport health(Duration timeout) {
        return HealthChecks.within(timeout, backend.name(), this::check);
    }

    private HealthReport check() {
        long started = System.nanoTime();
        try {
            ensureOpen();
            return backend.health(namespace);
        } catch (RuntimeException e) {
            String reason = e instanceof VectorStoreException known ? known.getMessage() : e.toString();
            return HealthChecks.down(backend.name(), started, reason,
                    e instanceof VectorStoreException known ? known.code().anchor() : e.getClass().getName());
        }
    }

    @Override
    public boolean supportsSparseValues() {
        return backend.supportsSparseValues();
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public VectorStore inNamespace(String otherNamespace) {
        ensureOpen();
        return new BackendVectorStore(backend, otherNamespace, closed, false);
    }

    @Override
    public String backend() {
        return backend.name();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return backend.unwrap(type).orElseThrow(() -> new InvalidRequestException(ErrorCode.UNSUPPORTED_OPERATION,
                "The " + backend.name() + " store cannot be unwrapped to " + type.getName() + "; it can be unwrapped to: "
                        + backend.unwrappableTypes().stream().map(Class::getName).collect(Collectors.joining(", ")) + "."));
    }

    @Override
    public void close() {
        if (ownsBackend && closed.compareAndSet(false, true)) {
            backend.close();
        }
    }

    @Override
    public String toString() {
        return "VectorStore[backend=" + backend.name() + ", namespace=\"" + namespace + "\"]";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new VectorStoreException(ErrorCode.STORE_CLOSED, "This " + backend.name()
                    + " store has been closed. Obtain a new one from VectorStores.get().");
        }
    }

    // Refusing is the only honest answer: writing the dense part alone would lose data without a word.
    private InvalidRequestException sparseUnsupported(String problem) {
        return new InvalidRequestException(ErrorCode.SPARSE_VALUES_UNSUPPORTED, problem + ". " + backend.sparseValuesFix());
    }

    private static List<String> distinctValidIds(Collection<String> ids) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        Limits.checkIds(distinct);
        return distinct;
    }
}
