package io.amprenta.vectorstore.testkit.pinecone;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.internal.MetadataJson;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.pinecone.proto.DeleteNamespaceRequest;
import io.pinecone.proto.DeleteRequest;
import io.pinecone.proto.DeleteResponse;
import io.pinecone.proto.DescribeIndexStatsRequest;
import io.pinecone.proto.DescribeIndexStatsResponse;
import io.pinecone.proto.FetchByMetadataRequest;
import io.pinecone.proto.FetchByMetadataResponse;
import io.pinecone.proto.FetchRequest;
import io.pinecone.proto.FetchResponse;
import io.pinecone.proto.ListItem;
import io.pinecone.proto.ListNamespacesRequest;
import io.pinecone.proto.ListNamespacesResponse;
import io.pinecone.proto.ListRequest;
import io.pinecone.proto.ListResponse;
import io.pinecone.proto.NamespaceDescription;
import io.pinecone.proto.NamespaceSummary;
import io.pinecone.proto.Pagination;
import io.pinecone.proto.QueryRequest;
import io.pinecone.proto.QueryResponse;
import io.pinecone.proto.ScoredVector;
import io.pinecone.proto.UpdateRequest;
import io.pinecone.proto.UpdateResponse;
import io.pinecone.proto.UpsertRequest;
import io.pinecone.proto.UpsertResponse;
import io.pinecone.proto.Usage;
import io.pinecone.proto.Vector;
import io.pinecone.proto.VectorServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Pinecone's data plane over an {@link EmulatedIndex}: the client's own generated service base class, so
 * requests and responses are exactly the client's protobuf messages. Requests are validated the way
 * Pinecone validates them, and a rejected request changes nothing.
 */
final class EmulatedVectorService extends VectorServiceGrpc.VectorServiceImplBase {

    /** How Pinecone names the default namespace in {@code describe_index_stats}. */
    static final String DEFAULT_NAMESPACE_NAME = "__default__";

    static final int MAX_LIST_LIMIT = 100;
    static final int DEFAULT_LIST_LIMIT = 100;
    static final int MAX_TOP_K = 10_000;
    static final int MAX_FETCH_BY_METADATA_LIMIT = 10_000;
    /** Pinecone fails queries whose result would exceed 4 MB. */
    static final int MAX_QUERY_RESULT_BYTES = 4 * 1024 * 1024;

    private static final String TOKEN_PREFIX = "emu1:";

    private final EmulatedIndex index;
    private final PineconeFaults faults;
    private final Consumer<RecordedRequest> log;

    EmulatedVectorService(EmulatedIndex index, PineconeFaults faults, Consumer<RecordedRequest> log) {
        this.index = index;
        this.faults = faults;
        this.log = log;
    }

    @Override
    public void upsert(UpsertRequest request, StreamObserver<UpsertResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.UPSERT, namespace, request, request.getVectorsCount(), observer, () -> {
            int count = request.getVectorsCount();
            require(count > 0, "An upsert request must contain at least one vector.");
            require(count <= Limits.MAX_UPSERT_BATCH, "The upsert request contains " + count
                    + " vectors; the maximum is " + Limits.MAX_UPSERT_BATCH + " vectors per request.");
            int size = request.getSerializedSize();
            require(size <= Limits.MAX_UPSERT_BYTES, "Request size is " + size + " bytes, which exceeds the maximum"
                    + " supported size of 2MB (" + Limits.MAX_UPSERT_BYTES + " bytes) for an upsert request.");
            Map<String, EmulatedIndex.Stored> batch = new LinkedHashMap<>();
            for (Vector vector : request.getVectorsList()) {
                batch.put(vector.getId(), validated(vector));
            }
            index.put(namespace, batch);
            return UpsertResponse.newBuilder().setUpsertedCount(count).build();
        });
    }

    private EmulatedIndex.Stored validated(Vector vector) {
        String id = vector.getId();
        require(!id.isEmpty(), "Vector ID must not be empty.");
        if (id.length() > Limits.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("Vector ID '" + id.substring(0, 40) + "...' is longer than the maximum of "
                    + Limits.MAX_ID_LENGTH + " characters.");
        }
        float[] values = values(vector.getValuesList());
        require(values.length == index.dimension(), "Vector dimension " + values.length
                + " does not match the dimension of the index " + index.dimension() + " (vector '" + id + "').");
        checkFiniteAndNonZero("Vector '" + id + "'", values);
        Map<String, Object> metadata = StructValues.toMetadata(id, vector.getMetadata());
        int metadataSize = MetadataJson.sizeInBytes(metadata);
        require(metadataSize <= Limits.MAX_METADATA_BYTES, "Metadata size is " + metadataSize
                + " bytes, which exceeds the limit of " + Limits.MAX_METADATA_BYTES + " bytes per vector (vector '" + id + "').");
        SparseValues sparse = vector.hasSparseValues() ? sparse("Vector '" + id + "'", vector.getSparseValues()) : null;
        return EmulatedIndex.Stored.received(vector, values, sparse, metadata);
    }

    /**
     * Validates sparse values as Pinecone does (as many values as indices, no duplicate index, at most
     * {@value Limits#MAX_SPARSE_VALUES} non-zero values, finite values) and returns them sorted by index, as
     * the sparse dot product is computed by merging sorted indices. Pinecone accepts indices in any order,
     * so the emulator does too.
     */
    static SparseValues sparse(String subject, io.pinecone.proto.SparseValues proto) {
        int count = proto.getIndicesCount();
        require(count == proto.getValuesCount(), subject + " has sparse values with " + count + " indices but "
                + proto.getValuesCount() + " values; indices and values must have the same length.");
        require(count <= Limits.MAX_SPARSE_VALUES, subject + " has " + count + " sparse values, which exceeds the"
                + " maximum of " + Limits.MAX_SPARSE_VALUES + " non-zero values.");
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
            require(Float.isFinite(proto.getValues(i)), subject + " has a sparse value that is not a finite number.");
        }
        Arrays.sort(order, (a, b) -> Integer.compareUnsigned(proto.getIndices(a), proto.getIndices(b)));
        long[] indices = new long[count];
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            indices[i] = Integer.toUnsignedLong(proto.getIndices(order[i]));
            values[i] = proto.getValues(order[i]);
            require(i == 0 || indices[i] != indices[i - 1], subject + " has the duplicate sparse index " + indices[i] + ".");
        }
        return SparseValues.of(indices, values);
    }

    /** Sparse values as the protobuf message, indices as unsigned 32-bit integers. */
    static io.pinecone.proto.SparseValues toProto(SparseValues sparse) {
        io.pinecone.proto.SparseValues.Builder proto = io.pinecone.proto.SparseValues.newBuilder();
        for (int i = 0; i < sparse.size(); i++) {
            proto.addIndices((int) sparse.index(i));
            proto.addValues(sparse.value(i));
        }
        return proto.build();
    }

    // Pinecone rejects all-zero dense vectors whatever the metric.
    private static void checkFiniteAndNonZero(String subject, float[] values) {
        boolean allZero = true;
        for (float value : values) {
            require(Float.isFinite(value), subject + " contains a value that is not a finite number.");
            allZero &= value == 0f;
        }
        require(!allZero, "Dense vectors must contain at least one non-zero value. " + subject + " is all zeros.");
    }

    @Override
    @SuppressWarnings("deprecation") // reads the deprecated multi-query field only to refuse it
    public void query(QueryRequest request, StreamObserver<QueryResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.QUERY, namespace, request, 0, observer, () -> {
            if (request.getQueriesCount() > 0) {
                throw new Rejection(Status.UNIMPLEMENTED.withDescription(
                        "The emulator answers queries by one vector or one id only (not several queries)."));
            }
            int topK = request.getTopK();
            require(topK >= 1 && topK <= MAX_TOP_K, "top_k must be between 1 and " + MAX_TOP_K + ", but is " + topK + ".");
            QueryResponse.Builder response = QueryResponse.newBuilder().setNamespace(request.getNamespace())
                    .setUsage(Usage.newBuilder().setReadUnits(5));
            float[] vector;
            if (!request.getId().isEmpty()) {
                // Query by id: the stored record's dense values are the query vector; an unknown id matches nothing.
                require(request.getVectorCount() == 0, "A query gives either a vector or an id, not both.");
                EmulatedIndex.Stored byId = index.fetch(namespace, List.of(request.getId())).get(request.getId());
                if (byId == null) {
                    return response.build();
                }
                vector = byId.values();
            } else {
                vector = values(request.getVectorList());
            }
            require(vector.length == index.dimension(), "Query vector dimension " + vector.length
                    + " does not match the dimension of the index " + index.dimension() + ".");
            for (float value : vector) {
                require(Float.isFinite(value), "The query vector contains a value that is not a finite number.");
            }
            SparseValues sparse = null;
            if (request.hasSparseVector()) {
                // Pinecone refuses sparse queries on indexes whose metric is not dotproduct.
                require(index.metric() == DistanceMetric.DOTPRODUCT, "Cannot query index with metric "
                        + index.metric().configName() + " using sparse values; only indexes using the dotproduct"
                        + " metric support sparse-dense queries.");
                sparse = sparse("The query's sparse vector", request.getSparseVector());
            }
            Filter filter = request.hasFilter() ? filter(request.getFilter()) : null;
            for (EmulatedIndex.Scored scored : index.query(namespace, vector, sparse, topK, filter)) {
                ScoredVector.Builder match = ScoredVector.newBuilder().setId(scored.id()).setScore((float) scored.score());
                if (request.getIncludeValues()) {
                    addValues(scored.stored().values(), match::addValues);
                    if (scored.stored().message().hasSparseValues()) {
                        match.setSparseValues(scored.stored().message().getSparseValues());
                    }
                }
                if (request.getIncludeMetadata() && !scored.stored().metadata().isEmpty()) {
                    match.setMetadata(StructValues.toStruct(scored.stored().metadata()));
                }
                response.addMatches(match);
            }
            QueryResponse built = response.build();
            require(built.getSerializedSize() <= MAX_QUERY_RESULT_BYTES, "The query result is "
                    + built.getSerializedSize() + " bytes, which exceeds the 4MB result size limit. Choose a lower top_k,"
                    + " or set include_metadata or include_values to false.");
            return built;
        });
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.FETCH, namespace, request, request.getIdsCount(), observer, () -> {
            checkIdCount(request.getIdsCount(), "fetch");
            FetchResponse.Builder response = FetchResponse.newBuilder().setNamespace(request.getNamespace())
                    .setUsage(Usage.newBuilder().setReadUnits(Math.max(1, request.getIdsCount() / 10)));
            index.fetch(namespace, request.getIdsList()).forEach((id, stored) -> response.putVectors(id, stored.message()));
            return response.build();
        });
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.LIST, namespace, request, 0, observer, () -> {
            int limit = request.hasLimit() ? request.getLimit() : DEFAULT_LIST_LIMIT;
            require(limit >= 1 && limit <= MAX_LIST_LIMIT, "limit must be between 1 and " + MAX_LIST_LIMIT
                    + ", but is " + limit + ".");
            String prefix = request.hasPrefix() ? request.getPrefix() : "";
            String after = request.hasPaginationToken() ? decodeToken(request.getPaginationToken()) : null;
            EmulatedIndex.IdSlice slice = index.list(namespace, prefix, after, limit);
            ListResponse.Builder response = ListResponse.newBuilder().setNamespace(request.getNamespace())
                    .setUsage(Usage.newBuilder().setReadUnits(1));
            slice.ids().forEach(id -> response.addVectors(ListItem.newBuilder().setId(id)));
            if (slice.more()) {
                response.setPagination(Pagination.newBuilder().setNext(encodeToken(slice.ids().get(slice.ids().size() - 1))));
            }
            return response.build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.DELETE, namespace, request, request.getIdsCount(), observer, () -> {
            int kinds = (request.getIdsCount() > 0 ? 1 : 0) + (request.getDeleteAll() ? 1 : 0) + (request.hasFilter() ? 1 : 0);
            require(kinds == 1, "A delete request must give exactly one of ids, delete_all or filter.");
            Filter filter = null;
            if (request.hasFilter()) {
                require(request.getFilter().getFieldsCount() > 0, "The delete filter must not be empty; use delete_all.");
                filter = filter(request.getFilter());
            } else if (!request.getDeleteAll()) {
                checkIdCount(request.getIdsCount(), "delete");
            }
            if (!index.exists(namespace)) {
                // Serverless Pinecone answers deletes in a namespace that holds nothing with 404.
                throw new Rejection(Status.NOT_FOUND.withDescription("Namespace not found"));
            }
            if (request.getDeleteAll()) {
                index.deleteAll(namespace);
            } else if (filter != null) {
                index.deleteMatching(namespace, filter);
            } else {
                index.delete(namespace, request.getIdsList());
            }
            return DeleteResponse.getDefaultInstance();
        });
    }

    @Override
    public void update(UpdateRequest request, StreamObserver<UpdateResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.UPDATE, namespace, request, 1, observer, () -> {
            if (request.hasFilter()) {
                throw new Rejection(Status.UNIMPLEMENTED.withDescription("The emulator updates by id only, not by filter."));
            }
            String id = request.getId();
            require(!id.isEmpty(), "An update request must give the id of the record to update.");
            boolean hasValues = request.getValuesCount() > 0;
            require(hasValues || request.hasSparseValues() || request.hasSetMetadata(),
                    "An update request must give values, sparse_values or set_metadata.");
            float[] values = null;
            if (hasValues) {
                values = values(request.getValuesList());
                require(values.length == index.dimension(), "Vector dimension " + values.length
                        + " does not match the dimension of the index " + index.dimension() + " (vector '" + id + "').");
                checkFiniteAndNonZero("Vector '" + id + "'", values);
            }
            SparseValues sparse = request.hasSparseValues() ? sparse("Vector '" + id + "'", request.getSparseValues()) : null;
            Map<String, Object> setMetadata = request.hasSetMetadata() ? StructValues.toMetadata(id, request.getSetMetadata()) : null;
            // Pinecone answers 200 with no effect when the id does not exist.
            boolean updated = index.update(namespace, id, values, sparse, setMetadata, merged -> {
                int size = MetadataJson.sizeInBytes(merged);
                require(size <= Limits.MAX_METADATA_BYTES, "Metadata size is " + size + " bytes, which exceeds the limit"
                        + " of " + Limits.MAX_METADATA_BYTES + " bytes per vector (vector '" + id + "').");
            });
            return UpdateResponse.newBuilder().setMatchedRecords(updated ? 1 : 0).build();
        });
    }

    @Override
    public void fetchByMetadata(FetchByMetadataRequest request, StreamObserver<FetchByMetadataResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.FETCH_BY_METADATA, namespace, request, 0, observer, () -> {
            int limit = request.hasLimit() ? request.getLimit() : DEFAULT_LIST_LIMIT;
            require(limit >= 1 && limit <= MAX_FETCH_BY_METADATA_LIMIT, "limit must be between 1 and "
                    + MAX_FETCH_BY_METADATA_LIMIT + ", but is " + limit + ".");
            Filter filter = request.hasFilter() && request.getFilter().getFieldsCount() > 0 ? filter(request.getFilter()) : null;
            String after = request.hasPaginationToken() ? decodeToken(request.getPaginationToken()) : null;
            EmulatedIndex.RecordSlice slice = index.matching(namespace, filter, after, limit);
            FetchByMetadataResponse.Builder response = FetchByMetadataResponse.newBuilder().setNamespace(request.getNamespace())
                    .setUsage(Usage.newBuilder().setReadUnits(Math.max(1, slice.records().size() / 10)));
            slice.records().forEach((id, stored) -> response.putVectors(id, stored.message()));
            if (slice.more()) {
                String last = null;
                for (String id : slice.records().keySet()) {
                    last = id;
                }
                response.setPagination(Pagination.newBuilder().setNext(encodeToken(last)));
            }
            return response.build();
        });
    }

    @Override
    public void listNamespaces(ListNamespacesRequest request, StreamObserver<ListNamespacesResponse> observer) {
        answer(PineconeOperation.LIST_NAMESPACES, "", request, 0, observer, () -> {
            int limit = request.hasLimit() ? request.getLimit() : DEFAULT_LIST_LIMIT;
            require(limit >= 1 && limit <= MAX_LIST_LIMIT, "limit must be between 1 and " + MAX_LIST_LIMIT
                    + ", but is " + limit + ".");
            String prefix = request.hasPrefix() ? request.getPrefix() : "";
            String after = request.hasPaginationToken() ? decodeToken(request.getPaginationToken()) : null;
            List<String> names = index.counts().keySet().stream()
                    .map(name -> name.isEmpty() ? DEFAULT_NAMESPACE_NAME : name)
                    .filter(name -> name.startsWith(prefix))
                    .filter(name -> after == null || EmulatedIndex.CODE_POINT_ORDER.compare(name, after) > 0)
                    .sorted(EmulatedIndex.CODE_POINT_ORDER).toList();
            ListNamespacesResponse.Builder response = ListNamespacesResponse.newBuilder();
            names.stream().limit(limit).forEach(name -> response.addNamespaces(NamespaceDescription.newBuilder().setName(name)));
            if (names.size() > limit) {
                response.setPagination(Pagination.newBuilder().setNext(encodeToken(names.get(limit - 1))));
            }
            return response.build();
        });
    }

    @Override
    public void deleteNamespace(DeleteNamespaceRequest request, StreamObserver<DeleteResponse> observer) {
        String namespace = namespaceOf(request.getNamespace());
        answer(PineconeOperation.DELETE_NAMESPACE, namespace, request, 0, observer, () -> {
            if (!index.deleteNamespace(namespace)) {
                throw new Rejection(Status.NOT_FOUND.withDescription("Namespace not found"));
            }
            return DeleteResponse.getDefaultInstance();
        });
    }

    @Override
    public void describeIndexStats(DescribeIndexStatsRequest request, StreamObserver<DescribeIndexStatsResponse> observer) {
        answer(PineconeOperation.DESCRIBE_INDEX_STATS, "", request, 0, observer, () -> {
            require(!request.hasFilter(), "describe_index_stats does not support filtering on serverless indexes.");
            DescribeIndexStatsResponse.Builder response = DescribeIndexStatsResponse.newBuilder()
                    .setDimension(index.dimension())
                    .setMetric(index.metric().configName())
                    .setVectorType("dense");
            int total = 0;
            for (Map.Entry<String, Integer> entry : index.counts().entrySet()) {
                String name = entry.getKey().isEmpty() ? DEFAULT_NAMESPACE_NAME : entry.getKey();
                response.putNamespaces(name, NamespaceSummary.newBuilder().setVectorCount(entry.getValue()).build());
                total += entry.getValue();
            }
            return response.setTotalVectorCount(total).build();
        });
    }

    /**
     * Records the request, lets the faults decide, then answers with {@code work}'s response or with the
     * status of its rejection.
     */
    private <T> void answer(PineconeOperation operation, String namespace, Message request, int items,
                            StreamObserver<T> observer, Supplier<T> work) {
        sleep(faults.latencyFor(operation));
        Optional<Status> fault = faults.decide(operation, namespace.isEmpty() ? DEFAULT_NAMESPACE_NAME : namespace);
        if (fault.isPresent()) {
            observer.onError(fault.get().asRuntimeException());
            return;
        }
        log.accept(new RecordedRequest(operation, namespace, items, request.getSerializedSize()));
        T response;
        try {
            response = work.get();
        } catch (Rejection rejection) {
            observer.onError(rejection.status.asRuntimeException());
            return;
        } catch (IllegalArgumentException | InvalidFilterException e) {
            String message = e instanceof VectorStoreException known ? known.problem() : e.getMessage();
            observer.onError(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
            return;
        } catch (RuntimeException bug) {
            // Surfaces an emulator bug to the test that hit it, instead of gRPC's bare UNKNOWN.
            observer.onError(Status.INTERNAL.withDescription("Emulator failure: " + bug).withCause(bug).asRuntimeException());
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private static void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatusRuntimeException(Status.CANCELLED.withDescription("interrupted"));
        }
    }

    /** The default namespace may be named {@code ""} or {@code __default__}; both mean the same. */
    static String namespaceOf(String requested) {
        return DEFAULT_NAMESPACE_NAME.equals(requested) ? "" : requested;
    }

    private static Filter filter(Struct struct) {
        try {
            return StructValues.toFilter(struct);
        } catch (InvalidFilterException e) {
            throw new IllegalArgumentException("Invalid filter: " + e.problem(), e);
        }
    }

    private static void checkIdCount(int count, String operation) {
        require(count > 0, "A " + operation + " request must name at least one id.");
        require(count <= Limits.MAX_IDS_PER_REQUEST, "The " + operation + " request names " + count
                + " ids; the maximum is " + Limits.MAX_IDS_PER_REQUEST + " per request.");
    }

    private static float[] values(List<Float> boxed) {
        float[] values = new float[boxed.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = boxed.get(i);
        }
        return values;
    }

    private interface FloatSink {
        Object add(float value);
    }

    private static void addValues(float[] values, FloatSink sink) {
        for (float value : values) {
            sink.add(value);
        }
    }

    private static String encodeToken(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(TOKEN_PREFIX)) {
                return decoded.substring(TOKEN_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid pagination token: '" + token + "'.");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A rejection with a status other than {@code INVALID_ARGUMENT}. */
    private static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Status status;

        Rejection(Status status) {
            super(status.getDescription(), null, false, false);
            this.status = status;
        }
    }
}
