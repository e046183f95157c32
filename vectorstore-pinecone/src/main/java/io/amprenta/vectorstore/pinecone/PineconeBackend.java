package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.internal.CodePointOrder;
import com.google.protobuf.Struct;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.spi.Limits;
import io.amprenta.vectorstore.spi.VectorStoreBackend;
import io.pinecone.clients.Index;
import io.pinecone.configs.PineconeConnection;
import io.pinecone.proto.DeleteNamespaceRequest;
import io.pinecone.proto.DeleteRequest;
import io.pinecone.proto.DescribeIndexStatsRequest;
import io.pinecone.proto.DescribeIndexStatsResponse;
import io.pinecone.proto.FetchByMetadataRequest;
import io.pinecone.proto.FetchByMetadataResponse;
import io.pinecone.proto.FetchRequest;
import io.pinecone.proto.FetchResponse;
import io.pinecone.proto.ListNamespacesRequest;
import io.pinecone.proto.ListNamespacesResponse;
import io.pinecone.proto.ListRequest;
import io.pinecone.proto.ListResponse;
import io.pinecone.proto.QueryRequest;
import io.pinecone.proto.QueryResponse;
import io.pinecone.proto.ScoredVector;
import io.pinecone.proto.UpdateRequest;
import io.pinecone.proto.UpsertRequest;
import io.pinecone.proto.Vector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pinecone backend: every {@link io.amprenta.vectorstore.VectorStore} operation as Pinecone data-plane
 * requests over one gRPC connection. It receives requests already checked by
 * {@link io.amprenta.vectorstore.spi.BackendVectorStore}, splits them into requests within Pinecone's
 * limits, and maps Pinecone's answers back. Thread-safe.
 */
final class PineconeBackend implements VectorStoreBackend {

    static final String NAME = "pinecone";

    /** How Pinecone may name the default namespace in {@code describe_index_stats}. */
    static final String DEFAULT_NAMESPACE_NAME = "__default__";

    /** Pinecone's largest {@code list} page. */
    static final int MAX_LIST_PAGE = 100;

    /**
     * The largest expected query result that is asked for in one request. Pinecone fails queries whose
     * result exceeds 4 MB; above half of that (estimated), matches are fetched in a second step instead.
     */
    static final int DIRECT_QUERY_RESULT_BUDGET = 2 * 1024 * 1024;

    /** The metadata size assumed per match when estimating a query result (real metadata is usually smaller). */
    static final int ASSUMED_METADATA_BYTES = 2048;

    /**
     * The largest fetch response asked for: below the client's 64,000,000-byte inbound message limit, so
     * that fetching 1000 high-dimensional records cannot fail in the client.
     */
    static final int FETCH_RESPONSE_BUDGET = 56_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(PineconeBackend.class);

    private final PineconeSettings settings;
    private final String host;
    private final IndexShape shape;
    private final DataPlane dataPlane;
    private final int fetchBatch;
    private Index index; // created on first unwrap; guarded by this

    private PineconeBackend(PineconeSettings settings, String host, IndexShape shape, DataPlane dataPlane) {
        this.settings = settings;
        this.host = host;
        this.shape = shape;
        this.dataPlane = dataPlane;
        this.fetchBatch = fetchBatch(shape.dimension());
    }

    /** Finds the index, opens the connection and learns the index's shape, once. */
    static PineconeBackend connect(PineconeSettings settings, RetryPolicy retry) {
        PineconeErrors errors = new PineconeErrors(settings.apiKey(), settings.indexLabel());
        IndexLocator.Location location = IndexLocator.locate(settings, retry, errors);
        DataPlane dataPlane = DataPlane.open(settings, location.host(), retry, errors);
        try {
            IndexShape shape = location.shape().orElseGet(() -> IndexLocator.shapeFromStats(dataPlane, settings))
                    .requireExpectedMetric(settings.metric(), settings.indexLabel());
            LOG.info("Using Pinecone index {} at {} (dimension {}, metric {}, namespace \"{}\")", settings.indexLabel(),
                    location.host(), shape.dimension(), shape.metric().configName(), settings.namespace());
            return new PineconeBackend(settings, location.host(), shape, dataPlane);
        } catch (RuntimeException e) {
            dataPlane.close();
            throw e;
        }
    }

    /** Ids per fetch: Pinecone's 1000, fewer when 1000 records of this dimension could outgrow the client's limit. */
    static int fetchBatch(int dimension) {
        long worstRecordBytes = (long) dimension * Float.BYTES + Limits.MAX_METADATA_BYTES + 2L * Limits.MAX_ID_LENGTH + 64;
        return (int) Math.max(1, Math.min(Limits.MAX_IDS_PER_REQUEST, FETCH_RESPONSE_BUDGET / worstRecordBytes));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DistanceMetric metric() {
        return shape.metric();
    }

    /**
     * Pinecone keeps sparse values with dense ones (its sparse-dense records) and answers hybrid queries on
     * dotproduct indexes; the library refuses hybrid queries on other metrics before they are sent.
     */
    @Override
    public boolean supportsSparseValues() {
        return true;
    }

    @Override
    public OptionalInt dimension() {
        return OptionalInt.of(shape.dimension());
    }

    @Override
    public void upsert(String namespace, List<VectorRecord> records) {
        for (UpsertRequest request : RequestSplitting.upserts(namespace, records)) {
            dataPlane.call("upsert", stub -> stub.upsert(request));
        }
    }

    @Override
    public List<Match> query(String namespace, Query query) {
        boolean payload = query.includeMetadata() || query.includeValues();
        long perMatch = 64 + (query.includeValues() ? (long) shape.dimension() * Float.BYTES + 8 : 0)
                + (query.includeMetadata() ? ASSUMED_METADATA_BYTES : 0);
        if (payload && query.topK() * perMatch > DIRECT_QUERY_RESULT_BUDGET) {
            return queryThenFetch(namespace, query);
        }
        try {
            return matches(search(namespace, query, query.includeMetadata(), query.includeValues()), query);
        } catch (InvalidRequestException rejected) {
            // Larger metadata than estimated can still push the result over Pinecone's 4 MB. Asking again
            // without payload is always a valid way to answer; if the rejection had another reason, the
            // second query is rejected the same way and that error is thrown.
            if (payload && rejected.code() == ErrorCode.REQUEST_REJECTED) {
                LOG.debug("Query with payload rejected ({}); asking for ids first, then fetching", rejected.problem());
                return queryThenFetch(namespace, query);
            }
            throw rejected;
        }
    }

    private QueryResponse search(String namespace, Query query, boolean includeMetadata, boolean includeValues) {
        QueryRequest.Builder request = QueryRequest.newBuilder()
                .setNamespace(namespace)
                .setTopK(query.topK())
                .setIncludeMetadata(includeMetadata)
                .setIncludeValues(includeValues);
        for (int i = 0; i < query.dimension(); i++) {
            request.addVector(query.value(i));
        }
        query.optionalSparseVector().map(RequestSplitting::toProto).ifPresent(request::setSparseVector);
        query.optionalFilter().map(FilterStructs::toStruct)
                .filter(struct -> !FilterStructs.matchesEverything(struct))
                .ifPresent(request::setFilter);
        QueryRequest built = request.build();
        return dataPlane.call("query", stub -> stub.query(built));
    }

    private static List<Match> matches(QueryResponse response, Query query) {
        List<Match> matches = new ArrayList<>(response.getMatchesCount());
        for (ScoredVector scored : response.getMatchesList()) {
            matches.add(Match.of(scored.getId(), scored.getScore(),
                    query.includeValues() ? floats(scored.getValuesCount(), scored::getValues) : null,
                    query.includeValues() && scored.hasSparseValues() ? RequestSplitting.fromProto(scored.getSparseValues()) : null,
                    query.includeMetadata() ? MetadataStructs.fromStruct(scored.getId(), scored.getMetadata()) : null));
        }
        return matches;
    }

    // For results too large for one answer: ids and scores first, then the records by id. A record
    // deleted between the two steps is left out, as a query a moment later would leave it out.
    private List<Match> queryThenFetch(String namespace, Query query) {
        QueryResponse ranked = search(namespace, query, false, false);
        List<String> ids = ranked.getMatchesList().stream().map(ScoredVector::getId).toList();
        Map<String, VectorRecord> records = fetch(namespace, ids);
        List<Match> matches = new ArrayList<>(ids.size());
        for (ScoredVector scored : ranked.getMatchesList()) {
            VectorRecord record = records.get(scored.getId());
            if (record == null) {
                LOG.debug("Match {} was deleted between ranking and fetching; leaving it out", scored.getId());
                continue;
            }
            matches.add(Match.of(record.id(), scored.getScore(), query.includeValues() ? record.values() : null,
                    query.includeValues() ? record.sparseValues() : null, query.includeMetadata() ? record.metadata() : null));
        }
        return matches;
    }

    @Override
    public Map<String, VectorRecord> fetch(String namespace, List<String> ids) {
        Map<String, VectorRecord> found = new LinkedHashMap<>(ids.size() * 2);
        for (List<String> chunk : RequestSplitting.chunks(ids, fetchBatch)) {
            FetchRequest request = FetchRequest.newBuilder().setNamespace(namespace).addAllIds(chunk).build();
            FetchResponse response = dataPlane.call("fetch", stub -> stub.fetch(request));
            Map<String, Vector> vectors = response.getVectorsMap();
            for (String id : chunk) {
                Vector vector = vectors.get(id);
                if (vector != null) {
                    found.put(id, record(id, vector));
                }
            }
        }
        return found;
    }

    /**
     * Pinecone's {@code update} by id: only the parts given travel, the rest of the record stays as Pinecone
     * holds it. {@link io.amprenta.vectorstore.spi.BackendVectorStore} has read the record first (Pinecone
     * answers an update of an unknown id with success and no effect).
     */
    @Override
    public boolean update(String namespace, String id, float[] values, SparseValues sparseValues, Map<String, Object> setMetadata) {
        UpdateRequest.Builder request = UpdateRequest.newBuilder().setNamespace(namespace).setId(id);
        if (values != null) {
            for (float value : values) {
                request.addValues(value);
            }
        }
        if (sparseValues != null) {
            request.setSparseValues(RequestSplitting.toProto(sparseValues));
        }
        if (setMetadata != null) {
            request.setSetMetadata(MetadataStructs.toStruct(setMetadata));
        }
        UpdateRequest built = request.build();
        dataPlane.call("update", stub -> stub.update(built));
        return true;
    }

    /**
     * Pinecone's {@code fetch_by_metadata}; the cursor is its pagination token. Pages are at most as large as a
     * fetch can safely answer for this dimension ({@link #fetchBatch}), and sorted by id (Pinecone returns a map).
     */
    @Override
    public RecordPage fetchByFilter(String namespace, RecordPageRequest request) {
        FetchByMetadataRequest.Builder call = FetchByMetadataRequest.newBuilder().setNamespace(namespace)
                .setLimit(Math.min(request.limit(), fetchBatch));
        Struct filter = FilterStructs.toStruct(request.filter());
        if (!FilterStructs.matchesEverything(filter)) {
            call.setFilter(filter);
        }
        if (request.cursor() != null) {
            call.setPaginationToken(request.cursor());
        }
        FetchByMetadataRequest built = call.build();
        FetchByMetadataResponse response;
        try {
            response = dataPlane.call("fetch by metadata", stub -> stub.fetchByMetadata(built), PineconeErrors::isMissingNamespace);
        } catch (InvalidRequestException e) {
            if (request.cursor() != null && e.code() == ErrorCode.REQUEST_REJECTED) {
                throw new InvalidRequestException(ErrorCode.INVALID_CURSOR, "Pinecone did not accept the record page"
                        + " cursor '" + request.cursor() + "' (" + e.problem() + "). Pass the cursor of the previous page"
                        + " unchanged, or none to start over.", e);
            }
            throw e;
        }
        if (response == null) {
            return new RecordPage(List.of(), request, null);
        }
        List<VectorRecord> records = new ArrayList<>(response.getVectorsCount());
        response.getVectorsMap().forEach((id, vector) -> records.add(record(id, vector)));
        records.sort(Comparator.comparing(VectorRecord::id, CodePointOrder.IDS));
        String next = response.hasPagination() && !response.getPagination().getNext().isEmpty()
                ? response.getPagination().getNext() : null;
        return new RecordPage(records, request, next);
    }

    /**
     * Pinecone's {@code list_namespaces}, page by page; the default namespace is {@code ""}. Indexes without that call
     * (pod-based ones answer UNIMPLEMENTED) are answered from {@code describe_index_stats}, which every index has.
     */
    @Override
    public List<String> listNamespaces() {
        try {
            return listedNamespaces();
        } catch (InvalidRequestException e) {
            if (e.code() != ErrorCode.UNSUPPORTED_OPERATION) {
                throw e;
            }
            LOG.debug("list_namespaces is not available on this index ({}); reading the namespaces from the stats", e.problem());
            return stats().namespaces();
        }
    }

    private List<String> listedNamespaces() {
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            ListNamespacesRequest.Builder call = ListNamespacesRequest.newBuilder().setLimit(MAX_LIST_PAGE);
            if (token != null) {
                call.setPaginationToken(token);
            }
            ListNamespacesRequest built = call.build();
            ListNamespacesResponse response = dataPlane.call("list namespaces", stub -> stub.listNamespaces(built));
            response.getNamespacesList().forEach(description ->
                    names.add(DEFAULT_NAMESPACE_NAME.equals(description.getName()) ? "" : description.getName()));
            String next = response.hasPagination() && !response.getPagination().getNext().isEmpty()
                    ? response.getPagination().getNext() : null;
            token = next != null && !next.equals(token) ? next : null;
        } while (token != null);
        return names.stream().distinct().sorted().toList();
    }

    /**
     * Pinecone's {@code delete_namespace}; a namespace that does not exist is already gone. Indexes without that call
     * (pod-based ones) delete all of the namespace's records instead, which on Pinecone also removes the namespace.
     */
    @Override
    public void deleteNamespace(String namespace) {
        DeleteNamespaceRequest request = DeleteNamespaceRequest.newBuilder()
                .setNamespace(namespace.isEmpty() ? DEFAULT_NAMESPACE_NAME : namespace).build();
        try {
            dataPlane.call("delete namespace", stub -> stub.deleteNamespace(request), PineconeErrors::isMissingNamespace);
        } catch (InvalidRequestException e) {
            if (e.code() != ErrorCode.UNSUPPORTED_OPERATION) {
                throw e;
            }
            LOG.debug("delete_namespace is not available on this index ({}); deleting all its records", e.problem());
            deleteAll(namespace);
        }
    }

    // The whole record: dropping the sparse values here would lose them in every copy made from a fetch.
    private static VectorRecord record(String id, Vector vector) {
        return VectorRecord.of(id, floats(vector.getValuesCount(), vector::getValues), MetadataStructs.fromStruct(id, vector.getMetadata()))
                .withSparseValues(vector.hasSparseValues() ? RequestSplitting.fromProto(vector.getSparseValues()) : null);
    }

    @Override
    public void delete(String namespace, List<String> ids) {
        for (List<String> chunk : RequestSplitting.chunks(ids, Limits.MAX_IDS_PER_REQUEST)) {
            delete(namespace, DeleteRequest.newBuilder().addAllIds(chunk), "delete");
        }
    }

    @Override
    public void deleteByFilter(String namespace, Filter filter) {
        Struct struct = FilterStructs.toStruct(filter);
        if (FilterStructs.matchesEverything(struct)) {
            // Pinecone takes no empty filter; deleting what "everything" matches is deleting all.
            deleteAll(namespace);
        } else {
            delete(namespace, DeleteRequest.newBuilder().setFilter(struct), "delete by filter");
        }
    }

    @Override
    public void deleteAll(String namespace) {
        delete(namespace, DeleteRequest.newBuilder().setDeleteAll(true), "delete all");
    }

    // Deleting from a namespace that holds nothing has nothing to do; serverless Pinecone says 404.
    private void delete(String namespace, DeleteRequest.Builder request, String operation) {
        DeleteRequest built = request.setNamespace(namespace).build();
        dataPlane.call(operation, stub -> stub.delete(built), PineconeErrors::isMissingNamespace);
    }

    /**
     * A page of ids from Pinecone's {@code list}, which gives at most {@value #MAX_LIST_PAGE} ids per call:
     * larger pages are filled with several calls. The cursor is Pinecone's pagination token.
     */
    @Override
    public IdPage listIds(String namespace, IdPageRequest request) {
        List<String> ids = new ArrayList<>(Math.min(request.limit(), 1024));
        String token = request.cursor();
        do {
            ListRequest.Builder call = ListRequest.newBuilder()
                    .setNamespace(namespace)
                    .setLimit(Math.min(MAX_LIST_PAGE, request.limit() - ids.size()));
            if (!request.prefix().isEmpty()) {
                call.setPrefix(request.prefix());
            }
            if (token != null) {
                call.setPaginationToken(token);
            }
            ListResponse response = list(call.build(), token != null && token.equals(request.cursor()));
            response.getVectorsList().forEach(item -> ids.add(item.getId()));
            String next = response.hasPagination() && !response.getPagination().getNext().isEmpty()
                    ? response.getPagination().getNext() : null;
            if (next != null && next.equals(token) && response.getVectorsCount() == 0) {
                throw new VectorStoreException(ErrorCode.BACKEND_ERROR, "Pinecone's list returned no ids and the same"
                        + " pagination token it was given; stopping rather than looping. Retry later.");
            }
            token = next;
        } while (token != null && ids.size() < request.limit());
        return new IdPage(ids, request, token);
    }

    private ListResponse list(ListRequest request, boolean callerToken) {
        try {
            return dataPlane.call("list", stub -> stub.list(request));
        } catch (InvalidRequestException e) {
            if (callerToken && e.code() == ErrorCode.REQUEST_REJECTED) {
                throw new InvalidRequestException(ErrorCode.INVALID_CURSOR, "Pinecone did not accept the id page cursor '"
                        + request.getPaginationToken() + "' (" + e.problem() + "). Pass the cursor of the previous page"
                        + " unchanged, or none to start over.", e);
            }
            throw e;
        }
    }

    @Override
    public StoreStats stats() {
        DescribeIndexStatsResponse stats = dataPlane.call("describe_index_stats",
                stub -> stub.describeIndexStats(DescribeIndexStatsRequest.getDefaultInstance()));
        Map<String, Long> counts = new HashMap<>();
        stats.getNamespacesMap().forEach((name, summary) -> {
            long count = Integer.toUnsignedLong(summary.getVectorCount());
            if (count > 0) {
                counts.merge(DEFAULT_NAMESPACE_NAME.equals(name) ? "" : name, count, Long::sum);
            }
        });
        return new StoreStats(NAME, OptionalInt.of(shape.dimension()), shape.metric(), counts);
    }

    /** A canary search (one attempt, no retries, so that probes answer promptly). */
    @Override
    public HealthReport health(String namespace) {
        long started = System.nanoTime();
        float[] canary = new float[shape.dimension()];
        canary[0] = 1f;
        QueryRequest.Builder request = QueryRequest.newBuilder().setNamespace(namespace).setTopK(1);
        for (float value : canary) {
            request.addVector(value);
        }
        QueryRequest built = request.build();
        int found = dataPlane.callOnce("health check", stub -> stub.query(built)).getMatchesCount();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("index", settings.indexName().orElse(""));
        details.put("host", host);
        details.put("namespace", namespace);
        details.put("dimension", shape.dimension());
        details.put("metric", shape.metric().configName());
        details.put("canaryMatches", found);
        return new HealthReport(HealthReport.Status.UP, NAME, Duration.ofNanos(System.nanoTime() - started),
                "Pinecone index " + settings.indexLabel() + " answered a canary search", details);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == Index.class) {
            return Optional.of(type.cast(index()));
        }
        if (type == PineconeConnection.class) {
            return Optional.of(type.cast(dataPlane.connection()));
        }
        if (type == PineconeSettings.class) {
            return Optional.of(type.cast(settings));
        }
        return Optional.empty();
    }

    @Override
    public List<Class<?>> unwrappableTypes() {
        return List.of(Index.class, PineconeConnection.class, PineconeSettings.class);
    }

    // The client's Index over this store's connection, for operations this API does not cover.
    private synchronized Index index() {
        if (index == null) {
            index = new Index(dataPlane.config(), dataPlane.connection(), settings.indexName().orElse(host));
        }
        return index;
    }

    @Override
    public void close() {
        dataPlane.close();
    }

    /** Reads a protobuf repeated float through its primitive accessor: the List view would box every value. */
    private static float[] floats(int count, IntToFloat valueAt) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = valueAt.get(i);
        }
        return values;
    }


    private interface IntToFloat {
        float get(int index);
    }

    @Override
    public String toString() {
        return "PineconeBackend[index=" + settings.indexLabel() + ", host=" + host + "]";
    }
}
