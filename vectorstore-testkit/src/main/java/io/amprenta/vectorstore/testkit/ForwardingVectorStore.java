package io.amprenta.vectorstore.testkit;

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
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A store that passes every call to another; extend it to change a few operations (caching, auditing,
 * fault injection in tests) without writing the others. {@link #inNamespace} forwards too, so override
 * it to keep the decoration on namespace views.
 */
public abstract class ForwardingVectorStore implements VectorStore {

    private final VectorStore delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingVectorStore(VectorStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are passed to. */
    protected VectorStore delegate() {
        return delegate;
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        delegate.upsert(records);
    }

    @Override
    public List<Match> query(Query query) {
        return delegate.query(query);
    }

    @Override
    public Map<String, VectorRecord> fetch(Collection<String> ids) {
        return delegate.fetch(ids);
    }

    @Override
    public List<Match> queryById(String id, UnaryOperator<Query.Builder> options) {
        return delegate.queryById(id, options);
    }

    @Override
    public boolean update(String id, float[] values, SparseValues sparseValues) {
        return delegate.update(id, values, sparseValues);
    }

    @Override
    public boolean setMetadata(String id, Map<String, ?> metadata) {
        return delegate.setMetadata(id, metadata);
    }

    @Override
    public RecordPage fetchByFilter(RecordPageRequest request) {
        return delegate.fetchByFilter(request);
    }

    @Override
    public List<String> listNamespaces() {
        return delegate.listNamespaces();
    }

    @Override
    public void deleteNamespace(String namespace) {
        delegate.deleteNamespace(namespace);
    }

    @Override
    public void delete(Collection<String> ids) {
        delegate.delete(ids);
    }

    @Override
    public void deleteByFilter(Filter filter) {
        delegate.deleteByFilter(filter);
    }

    @Override
    public void deleteAll() {
        delegate.deleteAll();
    }

    @Override
    public IdPage listIds(IdPageRequest request) {
        return delegate.listIds(request);
    }

    @Override
    public StoreStats stats() {
        return delegate.stats();
    }

    @Override
    public HealthReport health() {
        return delegate.health();
    }

    @Override
    public HealthReport health(Duration timeout) {
        return delegate.health(timeout);
    }

    @Override
    public String namespace() {
        return delegate.namespace();
    }

    @Override
    public VectorStore inNamespace(String namespace) {
        return delegate.inNamespace(namespace);
    }

    @Override
    public String backend() {
        return delegate.backend();
    }

    @Override
    public boolean supportsSparseValues() {
        return delegate.supportsSparseValues();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
