package io.amprenta.vectorstore;

import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/** A store that fails writes or queries on demand, for decorator tests. */
public final class FaultyStore implements VectorStore {

    private final VectorStore delegate;
    private volatile boolean failWrites;
    private volatile boolean failQueries;
    private volatile int maxWriteDelayMicros;
    private volatile Runnable beforeEachWrite = () -> { };

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

    /** Each write first waits a random time up to {@code max}, so that concurrent writes interleave. */
    public FaultyStore delayWrites(Duration max) {
        this.maxWriteDelayMicros = (int) (max.toNanos() / 1000);
        return this;
    }

    /** Runs {@code hook} at the start of every write, on the writing thread: to hold a write at a chosen point. */
    public FaultyStore beforeEachWrite(Runnable hook) {
        this.beforeEachWrite = hook;
        return this;
    }

    private void beforeWrite() {
        beforeEachWrite.run();
        if (maxWriteDelayMicros > 0) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxWriteDelayMicros) * 1000);
        }
        maybeFail(failWrites);
    }

    private static void maybeFail(boolean fail) {
        if (fail) {
            throw new UnavailableException("injected outage", null);
        }
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        beforeWrite();
        delegate.upsert(records);
    }

    @Override
    public List<Match> query(Query query) {
        maybeFail(failQueries);
        return delegate.query(query);
    }

    @Override
    public void delete(Collection<String> ids) {
        beforeWrite();
        delegate.delete(ids);
    }

    @Override
    public boolean update(String id, float[] values, SparseValues sparseValues) {
        beforeWrite();
        return delegate.update(id, values, sparseValues);
    }

    @Override
    public boolean setMetadata(String id, Map<String, ?> metadata) {
        beforeWrite();
        return delegate.setMetadata(id, metadata);
    }

    @Override
    public RecordPage fetchByFilter(RecordPageRequest request) {
        return delegate.fetchByFilter(request);
    }

    @Override
    public void deleteByFilter(Filter filter) {
        beforeWrite();
        delegate.deleteByFilter(filter);
    }

    @Override
    public void deleteAll() {
        beforeWrite();
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
