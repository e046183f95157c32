package io.amprenta.vectorstore.testkit.pinecone;

import java.util.Arrays;
import java.util.Optional;

/**
 * The data-plane calls the {@link PineconeEmulator} serves, named as in the client's
 * {@code VectorService}. Faults can be limited to some of them ({@link PineconeFaults#limitTo}), and
 * {@link RecordedRequest}s say which one was made.
 */
public enum PineconeOperation {
    /** {@code VectorService/Upsert}. */
    UPSERT("Upsert", false),
    /** {@code VectorService/Query}. */
    QUERY("Query", true),
    /** {@code VectorService/Fetch}. */
    FETCH("Fetch", true),
    /** {@code VectorService/List}. */
    LIST("List", true),
    /** {@code VectorService/Delete}: by ids, by filter, or all. */
    DELETE("Delete", false),
    /** {@code VectorService/Update}: new values, sparse values and/or metadata keys for one record. */
    UPDATE("Update", false),
    /** {@code VectorService/FetchByMetadata}: records matching a filter, paginated. */
    FETCH_BY_METADATA("FetchByMetadata", true),
    /** {@code VectorService/ListNamespaces}. */
    LIST_NAMESPACES("ListNamespaces", true),
    /** {@code VectorService/DeleteNamespace}. */
    DELETE_NAMESPACE("DeleteNamespace", false),
    /** {@code VectorService/DescribeIndexStats}. */
    DESCRIBE_INDEX_STATS("DescribeIndexStats", true),
    /** Any other method of the service; the emulator answers those {@code UNIMPLEMENTED}. */
    OTHER("", true);

    private final String grpcMethod;
    private final boolean read;

    PineconeOperation(String grpcMethod, boolean read) {
        this.grpcMethod = grpcMethod;
        this.read = read;
    }

    /** The method name in {@code VectorService}, e.g. {@code Upsert}; empty for {@link #OTHER}. */
    public String grpcMethod() {
        return grpcMethod;
    }

    /** Whether Pinecone bills it in read units (so a read quota blocks it) rather than write units. */
    public boolean isRead() {
        return read;
    }

    /** The operation of a full gRPC method name such as {@code VectorService/Upsert}. */
    static PineconeOperation ofFullMethodName(String fullMethodName) {
        String method = fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1);
        Optional<PineconeOperation> known = Arrays.stream(values())
                .filter(operation -> operation != OTHER && operation.grpcMethod.equals(method))
                .findFirst();
        return known.orElse(OTHER);
    }
}
