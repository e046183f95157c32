package io.amprenta.vectorstore;

import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A store that fails writes or queries on demand, for decorator tests. */
public final class FaultyStore implements VectorStore {

    private final VectorStore delegate;
    private volatile boolean failWrites;
    private volatile boolean failQueries;

    public FaultyStore(VectorStore delegate) {
        this.delegate = delegate;
    }

    public FaultyStore failWrites(boolean fail) {
        this.failWrites = fail;
        return this;
    }

    public FaultyStore failQueries(boolean fail) {
        this.failQueries = fail;
        return this;
    }

    private static void maybeFail(boolean fail) {
        if (fail) {
            throw new UnavailableException("injected outage", null);
        }
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        maybeFail(failWrites);
        delegate.upsert(records);
    }

    @Override
    public List<Match> query(Query query) {
        maybeFail(failQueries);
        return delegate.query(query);
    }

    @Override
    public void delete(Collection<String> ids) {
        maybeFail(failWrites);
        delegate.delete(ids);
    }

    @Override
    public boolean update(String id, float[] values, SparseValues sparseValues) {
        maybeFail(failWrites);
        return delegate.update(id, values, sparseValues);
    }

    @Override
    public boolean setMetadata(String id, Map<String, ?> metadata) {
        maybeFail(failWrites);
        return delegate.setMetadata(id, metadata);
    }

    @Override
    public RecordPage fetchByFilter(RecordPageRequest request) {
        return delegate.fetchByFilter(request);
    }

    @Override
    public void deleteByFilter(Filter filter) {
        maybeFail(failWrites);
        delegate.deleteByFilter(filter);
    }

    @Override
    public void deleteAll() {
        maybeFail(failWrites);
        delegate.deleteAll();
    }

    @Override
    public VectorStore inNamespace(String namespace) {
        return new FaultyStore(delegate.inNamespace(namespace)).failWrites(failWrites).failQueries(failQueries);
    }

    @Override
    public Map<String, VectorRecord> fetch(Collection<String> ids) {
        return delegate.fetch(ids);
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
    public String backend() {
        return delegate.backend();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return delegate.unwrap(type);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
