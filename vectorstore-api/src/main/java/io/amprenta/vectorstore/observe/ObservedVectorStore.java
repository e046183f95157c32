package io.amprenta.vectorstore.observe;

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
import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store that reports every operation (latency, rows, failure kind) to {@link OperationListener}s,
 * whatever the backend. Wrap the store once where it is created:
 *
 * <pre>{@code
 * VectorStore store = ObservedVectorStore.wrap(VectorStores.get(), new MicrometerOperationListener(registry));
 * }</pre>
 *
 * Views from {@link #inNamespace} are observed too, tagged with their namespace.
 */
public final class ObservedVectorStore implements VectorStore {

    private static final Logger LOG = LoggerFactory.getLogger(ObservedVectorStore.class);

    private final VectorStore delegate;
    private final List<OperationListener> listeners;

    private ObservedVectorStore(VectorStore delegate, List<OperationListener> listeners) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.listeners = List.copyOf(listeners);
    }

    /**
     * {@code store}, reporting to {@code listeners}; when the store has a recall monitor ({@link RecallSource}), the
     * listeners also receive its {@link OperationListener#onRecall} samples.
     */
    public static VectorStore wrap(VectorStore store, OperationListener... listeners) {
        ObservedVectorStore observed = new ObservedVectorStore(store, List.of(listeners));
        recallSource(store).ifPresent(source -> observed.listeners.forEach(source::addRecallListener));
        return observed;
    }

    // Only some backends have a recall monitor; the others refuse the unwrap, which is no failure here.
    private static Optional<RecallSource> recallSource(VectorStore store) {
        try {
            return Optional.of(store.unwrap(RecallSource.class));
        } catch (InvalidRequestException e) {
            return Optional.empty();
        }
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        observe(Operation.UPSERT, () -> {
            delegate.upsert(records);
            return records;
        }, List::size);
    }

    @Override
    public List<Match> query(Query query) {
        return observe(Operation.QUERY, () -> delegate.query(query), List::size);
    }

    @Override
    public Map<String, VectorRecord> fetch(Collection<String> ids) {
        return observe(Operation.FETCH, () -> delegate.fetch(ids), Map::size);
    }

    @Override
    public boolean update(String id, float[] values, SparseValues sparseValues) {
        return observe(Operation.UPDATE, () -> delegate.update(id, values, sparseValues), found -> found ? 1 : 0);
    }

    @Override
    public boolean setMetadata(String id, Map<String, ?> metadata) {
        return observe(Operation.UPDATE, () -> delegate.setMetadata(id, metadata), found -> found ? 1 : 0);
    }

    @Override
    public RecordPage fetchByFilter(RecordPageRequest request) {
        return observe(Operation.FETCH_BY_FILTER, () -> delegate.fetchByFilter(request), page -> page.records().size());
    }

    @Override
    public void delete(Collection<String> ids) {
        observe(Operation.DELETE, () -> {
            delegate.delete(ids);
            return ids;
        }, Collection::size);
    }

    @Override
    public void deleteByFilter(Filter filter) {
        observe(Operation.DELETE_BY_FILTER, () -> {
            delegate.deleteByFilter(filter);
            return null;
        }, none -> 0);
    }

    @Override
    public void deleteAll() {
        observe(Operation.DELETE_ALL, () -> {
            delegate.deleteAll();
            return null;
        }, none -> 0);
    }

    @Override
    public IdPage listIds(IdPageRequest request) {
        return observe(Operation.LIST_IDS, () -> delegate.listIds(request), page -> page.ids().size());
    }

    @Override
    public StoreStats stats() {
        return observe(Operation.STATS, delegate::stats, stats -> 0);
    }

    @Override
    public HealthReport health() {
        return observe(Operation.HEALTH, delegate::health, report -> report.isUsable() ? 1 : 0);
    }

    @Override
    public HealthReport health(Duration timeout) {
        return observe(Operation.HEALTH, () -> delegate.health(timeout), report -> report.isUsable() ? 1 : 0);
    }

    @Override
    public String namespace() {
        return delegate.namespace();
    }

    @Override
    public VectorStore inNamespace(String namespace) {
        return new ObservedVectorStore(delegate.inNamespace(namespace), listeners);
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
        return "Observed" + delegate;
    }

    private <T> T observe(Operation operation, Supplier<T> call, ToIntFunction<T> rows) {
        long started = System.nanoTime();
        try {
            T result = call.get();
            publish(operation, started, rows.applyAsInt(result), null);
            return result;
        } catch (RuntimeException failure) {
            publish(operation, started, 0, failure);
            throw failure;
        }
    }

    private void publish(Operation operation, long started, int rows, RuntimeException failure) {
        OperationEvent event = new OperationEvent(delegate.backend(), delegate.namespace(), operation,
                Duration.ofNanos(System.nanoTime() - started), rows, failure);
        for (OperationListener listener : listeners) {
            try {
                listener.onOperation(event);
            } catch (RuntimeException e) {
                LOG.warn("Operation listener {} failed; ignoring it for this event", listener, e);
            }
        }
    }
}
