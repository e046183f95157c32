package io.amprenta.vectorstore.observe;

/**
 * Told about every operation of an {@link ObservedVectorStore}: the hook for metrics, tracing and audit
 * logs. Called on the caller's thread after the operation, so keep it fast; an exception it throws is
 * logged and ignored, never passed to the application.
 */
@FunctionalInterface
public interface OperationListener {

    /** One operation finished. */
    void onOperation(OperationEvent event);

    /**
     * A sampled query's recall was measured (only stores with a recall monitor switched on report these), on the
     * monitor's background thread, never the caller's. Does nothing unless overridden.
     */
    default void onRecall(RecallEvent event) {
    }
}
