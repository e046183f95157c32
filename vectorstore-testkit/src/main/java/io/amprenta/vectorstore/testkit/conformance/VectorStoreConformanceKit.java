package io.amprenta.vectorstore.testkit.conformance;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract every backend keeps (scores, filters, namespaces, limits, errors: the README's "What every backend
 * promises"), as one JUnit 5 suite. A backend proves itself by
 * subclassing this in its tests and creating fresh, empty stores:
 *
 * <pre>{@code
 * class MemoryConformanceTest extends VectorStoreConformanceKit {
 *     protected VectorStore createStore(int dimension, DistanceMetric metric) {
 *         return MemoryVectorStore.builder().dimension(dimension).metric(metric).build();
 *     }
 * }
 * }</pre>
 *
 * <p>The tests live in one interface per area, each readable on its own: {@link CrudContract},
 * {@link NamespaceContract}, {@link IdListingContract}, {@link ScoreContract}, {@link FilterContract},
 * {@link ValidationContract}, {@link SparseContract} (which checks that a backend without sparse support
 * refuses sparse values rather than dropping them), {@link OperationsContract} (query by id, update, setMetadata,
 * namespaces, fetch by filter, score thresholds), {@link ConcurrencyContract} and {@link LifecycleContract}. Expectations are
 * computed exactly ({@link DistanceMetric#score}, {@link io.amprenta.vectorstore.filter.Filter#test}), never
 * taken from another backend. The kit assumes read-after-write consistency.
 */
public abstract class VectorStoreConformanceKit implements CrudContract, NamespaceContract, IdListingContract,
        ScoreContract, FilterContract, ValidationContract, SparseContract, OperationsContract, ConcurrencyContract,
        LifecycleContract {

    private final List<VectorStore> opened = new ArrayList<>();

    /**
     * A new, empty store of the backend under test, in the default namespace {@code ""}, with no other
     * store sharing its data. The kit closes it after the test.
     */
    protected abstract VectorStore createStore(int dimension, DistanceMetric metric);

    @Override
    public final VectorStore newStore(int dimension, DistanceMetric metric) {
        VectorStore store = createStore(dimension, metric);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(VectorStore::close);
        opened.clear();
    }
}
