package io.amprenta.vectorstore.testkit.pinecone;

/**
 * One data-plane request as the {@link PineconeEmulator} received it, before it was validated, so that
 * tests can check how a client split its work (for example that no upsert carried more than 1000 vectors
 * or 2 MB). Requests refused by an injected fault or a wrong API key never reach the service and are
 * not recorded.
 *
 * @param operation which call it was
 * @param namespace the namespace it named ({@code ""} for the default namespace)
 * @param items the vectors of an upsert, the ids of a fetch or delete by ids, 0 for anything else
 * @param bytes the size of the request message as serialized on the wire
 */
public record RecordedRequest(PineconeOperation operation, String namespace, int items, int bytes) {
}
