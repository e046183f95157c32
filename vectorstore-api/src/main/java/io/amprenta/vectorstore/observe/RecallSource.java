package io.amprenta.vectorstore.observe;

/**
 * A store part that re-checks sampled queries by exact search and reports their recall
 * ({@link OperationListener#onRecall}); {@link ObservedVectorStore#wrap} registers its listeners with the store's
 * recall source when it has one ({@code store.unwrap(RecallSource.class)}).
 */
public interface RecallSource {

    /** Tells {@code listener} about every sample from now on, on the monitor's background thread. */
    void addRecallListener(OperationListener listener);
}
