package io.amprenta.vectorstore.testkit.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.TestData;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pinecone.clients.Index;
import io.pinecone.clients.Pinecone;
import io.pinecone.configs.PineconeConfig;
import io.pinecone.configs.PineconeConnection;
import io.pinecone.exceptions.PineconeAuthorizationException;
import io.pinecone.exceptions.PineconeNotFoundException;
import io.pinecone.proto.DeleteRequest;
import io.pinecone.proto.DescribeIndexStatsRequest;
import io.pinecone.proto.DescribeIndexStatsResponse;
import io.pinecone.proto.FetchByMetadataResponse;
import io.pinecone.proto.FetchRequest;
import io.pinecone.proto.FetchResponse;
import io.pinecone.proto.ListRequest;
import io.pinecone.proto.ListResponse;
import io.pinecone.proto.QueryRequest;
import io.pinecone.proto.QueryResponse;
import io.pinecone.proto.ScoredVector;
import io.pinecone.proto.UpdateRequest;
import io.pinecone.proto.UpsertRequest;
import io.pinecone.proto.Vector;
import io.pinecone.proto.VectorServiceGrpc.VectorServiceBlockingStub;
import io.pinecone.unsigned_indices_model.QueryResponseWithUnsignedIndices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openapitools.db_control.client.model.IndexModel;

/**
 * The emulator as the real {@code pinecone-client} sees it, over real sockets: the control plane's
 * describe_index, every data-plane call, Pinecone's limits and the injected faults.
 */
class PineconeEmulatorIT {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private PineconeEmulator start(int dimension, DistanceMetric metric) {
        PineconeEmulator emulator = PineconeEmulator.builder().dimension(dimension).metric(metric).indexName("test-index").start();
        opened.add(emulator);
        return emulator;
    }

    private VectorServiceBlockingStub stub(PineconeEmulator emulator, String apiKey) {
        PineconeConfig config = new PineconeConfig(apiKey);
        config.setHost(emulator.indexHost());
        config.setTLSEnabled(false);
        PineconeConnection connection = new PineconeConnection(config);
        opened.add(connection);
        return connection.getBlockingStub().withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private VectorServiceBlockingStub stub(PineconeEmulator emulator) {
        return stub(emulator, emulator.apiKey());
    }

    private static Vector vector(String id, float[] values, Map<String, Value> metadata) {
        Vector.Builder vector = Vector.newBuilder().setId(id);
        for (float value : values) {
            vector.addValues(value);
        }
        if (!metadata.isEmpty()) {
            vector.setMetadata(Struct.newBuilder().putAllFields(metadata));
        }
        return vector.build();
    }

    private static Vector vector(String id, float[] values) {
        return vector(id, values, Map.of());
    }

    private static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }

    private static Value number(double value) {
        return Value.newBuilder().setNumberValue(value).build();
    }

    private static Struct struct(String key, Value value) {
        return Struct.newBuilder().putFields(key, value).build();
    }

    private static QueryRequest.Builder query(float[] values, int topK) {
        QueryRequest.Builder query = QueryRequest.newBuilder().setTopK(topK);
        for (float value : values) {
            query.addVector(value);
        }
        return query;
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    @Test
    void describeIndexThroughTheRealControlPlaneClient() {
        PineconeEmulator emulator = start(12, DistanceMetric.DOTPRODUCT);
        Pinecone client = new Pinecone.Builder(emulator.apiKey()).withHost(emulator.controlPlaneUrl()).build();

        IndexModel model = client.describeIndex("test-index");

        assertThat(model.getHost()).isEqualTo(emulator.indexHost());
        assertThat(model.getDimension()).isEqualTo(12);
        assertThat(model.getMetric()).isEqualTo("dotproduct");
        assertThat(model.getStatus().getReady()).isTrue();
        assertThat(model.getSpec().getIndexModelServerless().getServerless().getCloud()).isEqualTo("aws");
        assertThatThrownBy(() -> client.describeIndex("other-index")).isInstanceOf(PineconeNotFoundException.class);
        assertThatThrownBy(() -> new Pinecone.Builder("wrong-key").withHost(emulator.controlPlaneUrl()).build()
                .describeIndex("test-index")).isInstanceOf(PineconeAuthorizationException.class);
    }

    @Test
    void upsertFetchQueryListDeleteAndStatsRoundTrip() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        VectorServiceBlockingStub stub = stub(emulator);
        Value tags = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(text("x")).addValues(text("y"))).build();
        stub.upsert(UpsertRequest.newBuilder()
                .addVectors(vector("a", new float[] {1, 0, 0, 0}, Map.of("genre", text("drama"), "year", number(2020), "tags", tags)))
                .addVectors(vector("b", new float[] {0, 1, 0, 0}, Map.of("genre", text("comedy"))))
                .addVectors(vector("c", new float[] {1, 1, 0, 0}))
                .build());
        stub.upsert(UpsertRequest.newBuilder().setNamespace("other").addVectors(vector("a", new float[] {0, 0, 1, 0})).build());

        FetchResponse fetched = stub.fetch(FetchRequest.newBuilder().addIds("a").addIds("missing").build());
        assertThat(fetched.getVectorsMap()).containsOnlyKeys("a");
        assertThat(fetched.getVectorsMap().get("a").getValuesList()).containsExactly(1f, 0f, 0f, 0f);
        assertThat(fetched.getVectorsMap().get("a").getMetadata().getFieldsMap()).containsEntry("year", number(2020)).containsEntry("tags", tags);

        QueryResponse all = stub.query(query(new float[] {1, 0, 0, 0}, 10).setIncludeMetadata(true).build());
        assertThat(all.getMatchesList()).extracting(ScoredVector::getId).containsExactly("a", "c", "b");
        assertThat(all.getMatches(1).getScore()).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));
        assertThat(all.getMatches(0).getMetadata().getFieldsMap()).containsKey("genre");
        assertThat(all.getMatches(0).getValuesCount()).isZero();

        Struct filter = struct("genre", Value.newBuilder().setStructValue(struct("$in", Value.newBuilder()
                .setListValue(ListValue.newBuilder().addValues(text("comedy"))).build())).build());
        assertThat(stub.query(query(new float[] {1, 0, 0, 0}, 10).setFilter(filter).build()).getMatchesList())
                .extracting(ScoredVector::getId).containsExactly("b");
        assertThat(stub.query(query(new float[] {1, 0, 0, 0}, 10).setNamespace("other").build()).getMatchesList())
                .extracting(ScoredVector::getId).containsExactly("a");

        ListResponse listed = stub.list(ListRequest.newBuilder().build());
        assertThat(listed.getVectorsList()).extracting(item -> item.getId()).containsExactly("a", "b", "c");
        assertThat(listed.hasPagination()).isFalse();

        DescribeIndexStatsResponse stats = stub.describeIndexStats(DescribeIndexStatsRequest.getDefaultInstance());
        assertThat(stats.getDimension()).isEqualTo(4);
        assertThat(stats.getMetric()).isEqualTo("cosine");
        assertThat(stats.getTotalVectorCount()).isEqualTo(4);
        assertThat(stats.getNamespacesMap().get("__default__").getVectorCount()).isEqualTo(3);
        assertThat(stats.getNamespacesMap().get("other").getVectorCount()).isEqualTo(1);

        stub.delete(DeleteRequest.newBuilder().addIds("a").build());
        stub.delete(DeleteRequest.newBuilder().setFilter(struct("genre", text("comedy"))).build());
        assertThat(emulator.records("")).extracting(VectorRecord::id).containsExactly("c");
        stub.delete(DeleteRequest.newBuilder().setDeleteAll(true).setNamespace("other").build());
        assertThat(emulator.namespaceCounts()).containsOnlyKeys("");
        assertStatus(() -> stub.delete(DeleteRequest.newBuilder().setDeleteAll(true).setNamespace("other").build()),
                Status.Code.NOT_FOUND, "Namespace not found");
    }

    @Test
    void theClientsOwnIndexConvenienceMethodsWork() {
        PineconeEmulator emulator = start(3, DistanceMetric.EUCLIDEAN);
        PineconeConfig config = new PineconeConfig(emulator.apiKey());
        config.setHost(emulator.indexHost());
        config.setTLSEnabled(false);
        PineconeConnection connection = new PineconeConnection(config);
        opened.add(connection);
        Index index = new Index(config, connection, "test-index");

        index.upsert("p", List.of(1f, 2f, 3f), "ns");
        index.upsert("q", List.of(0f, 0f, 1f), "ns");
        QueryResponseWithUnsignedIndices result = index.queryByVector(2, List.of(1f, 2f, 2f), "ns", true, false);

        assertThat(result.getMatchesList()).extracting(match -> match.getId()).containsExactly("p", "q");
        assertThat(result.getMatches(0).getScore()).isEqualTo(1f);
        assertThat(result.getMatches(1).getScore()).isEqualTo(6f);
        assertThat(index.list("ns", "p").getVectorsList()).extracting(item -> item.getId()).containsExactly("p");
    }

    @Test
    void scoresFollowPineconeForEveryMetric() {
        Random random = new Random(3);
        float[] query = TestData.randomVector(random, 6);
        for (DistanceMetric metric : DistanceMetric.values()) {
            PineconeEmulator emulator = start(6, metric);
            List<VectorRecord> records = TestData.randomRecords(random, 30, 6, "r");
            emulator.load("", records);

            List<ScoredVector> matches = stub(emulator).query(query(query, 30).build()).getMatchesList();

            assertThat(matches).hasSize(30);
            for (ScoredVector match : matches) {
                VectorRecord record = records.stream().filter(r -> r.id().equals(match.getId())).findFirst().orElseThrow();
                assertThat((double) match.getScore()).isCloseTo(metric.score(query, record.values()), within(1e-4));
            }
            assertThat(matches).extracting(ScoredVector::getScore)
                    .isSortedAccordingTo((a, b) -> metric.compareBestFirst(a, b));
        }
    }

    @Test
    void listPagesInCodePointOrderWithPrefixAndTokens() {
        PineconeEmulator emulator = start(2, DistanceMetric.EUCLIDEAN);
        List<VectorRecord> records = new ArrayList<>();
        IntStream.range(0, 250).forEach(i -> records.add(VectorRecord.of(String.format("doc-%03d", i), new float[] {1, i})));
        records.add(VectorRecord.of("emoji😀", new float[] {1, 1}));
        records.add(VectorRecord.of("emojiﬀ", new float[] {1, 1}));
        emulator.load("", records);
        VectorServiceBlockingStub stub = stub(emulator);

        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ListRequest.Builder request = ListRequest.newBuilder().setPrefix("doc-").setLimit(100);
            if (token != null) {
                request.setPaginationToken(token);
            }
            ListResponse page = stub.list(request.build());
            page.getVectorsList().forEach(item -> seen.add(item.getId()));
            token = page.hasPagination() ? page.getPagination().getNext() : null;
            pages++;
        } while (token != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(250).isSorted().doesNotHaveDuplicates();
        // U+1F600 sorts after U+FB00 by code point, though its UTF-16 surrogates sort before it.
        assertThat(stub.list(ListRequest.newBuilder().setPrefix("emoji").build()).getVectorsList())
                .extracting(item -> item.getId()).containsExactly("emojiﬀ", "emoji😀");
        assertStatus(() -> stub.list(ListRequest.newBuilder().setLimit(101).build()), Status.Code.INVALID_ARGUMENT, "limit");
        assertStatus(() -> stub.list(ListRequest.newBuilder().setPaginationToken("not-a-token").build()),
                Status.Code.INVALID_ARGUMENT, "pagination token");
    }

    @Test
    void pineconesRequestLimitsAreEnforcedAndARejectedRequestWritesNothing() {
        PineconeEmulator emulator = start(4, DistanceMetric.DOTPRODUCT);
        VectorServiceBlockingStub stub = stub(emulator);
        UpsertRequest.Builder tooMany = UpsertRequest.newBuilder();
        IntStream.range(0, 1001).forEach(i -> tooMany.addVectors(vector("v" + i, new float[] {1, 0, 0, 0})));
        UpsertRequest.Builder tooBig = UpsertRequest.newBuilder();
        String fat = "x".repeat(30_000);
        IntStream.range(0, 80).forEach(i -> tooBig.addVectors(vector("v" + i, new float[] {1, 0, 0, 0}, Map.of("body", text(fat)))));

        assertStatus(() -> stub.upsert(tooMany.build()), Status.Code.INVALID_ARGUMENT, "maximum is 1000");
        assertStatus(() -> stub.upsert(tooBig.build()), Status.Code.INVALID_ARGUMENT, "2MB");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(vector("ok", new float[] {1, 0, 0, 0}))
                .addVectors(vector("zero", new float[4])).build()), Status.Code.INVALID_ARGUMENT, "non-zero");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(vector("short", new float[] {1})).build()),
                Status.Code.INVALID_ARGUMENT, "dimension 1");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(vector("fat", new float[] {1, 0, 0, 0},
                Map.of("body", text("y".repeat(41_000))))).build()), Status.Code.INVALID_ARGUMENT, "Metadata size");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(vector("nested", new float[] {1, 0, 0, 0},
                Map.of("inner", Value.newBuilder().setStructValue(struct("a", number(1))).build()))).build()),
                Status.Code.INVALID_ARGUMENT, "'inner'");
        FetchRequest.Builder fetch = FetchRequest.newBuilder();
        IntStream.range(0, 1001).forEach(i -> fetch.addIds("v" + i));
        assertStatus(() -> stub.fetch(fetch.build()), Status.Code.INVALID_ARGUMENT, "maximum is 1000");
        assertStatus(() -> stub.query(query(new float[] {1, 0, 0, 0}, 10_001).build()), Status.Code.INVALID_ARGUMENT, "top_k");
        assertStatus(() -> stub.query(query(new float[] {1, 0, 0, 0}, 5).setFilter(struct("year",
                Value.newBuilder().setStructValue(struct("$regex", text("x"))).build())).build()),
                Status.Code.INVALID_ARGUMENT, "$regex");

        assertThat(emulator.namespaceCounts()).isEmpty();
    }

    @Test
    void queryResultsOverFourMegabytesAreRefused() {
        PineconeEmulator emulator = start(4, DistanceMetric.DOTPRODUCT);
        String body = "z".repeat(30_000);
        List<VectorRecord> records = new ArrayList<>();
        IntStream.range(0, 200).forEach(i -> records.add(VectorRecord.of("r" + i, new float[] {1, i, 0, 0}, Map.of("body", body))));
        emulator.load("", records);
        VectorServiceBlockingStub stub = stub(emulator);

        assertStatus(() -> stub.query(query(new float[] {1, 0, 0, 0}, 200).setIncludeMetadata(true).build()),
                Status.Code.INVALID_ARGUMENT, "4MB");
        assertThat(stub.query(query(new float[] {1, 0, 0, 0}, 200).build()).getMatchesCount()).isEqualTo(200);
    }

    @Test
    void aWrongApiKeyIsRefusedWithUnauthenticated() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);

        assertStatus(() -> stub(emulator, "wrong-key").describeIndexStats(DescribeIndexStatsRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "API Key");
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void throttlingQuotaAndUnavailabilityAreInjectedAndCleared() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        VectorServiceBlockingStub stub = stub(emulator);
        DescribeIndexStatsRequest stats = DescribeIndexStatsRequest.getDefaultInstance();

        emulator.faults().rateLimitNext(2);
        assertStatus(() -> stub.describeIndexStats(stats), Status.Code.RESOURCE_EXHAUSTED, "requests per second");
        assertStatus(() -> stub.describeIndexStats(stats), Status.Code.RESOURCE_EXHAUSTED, "requests per second");
        assertThat(stub.describeIndexStats(stats).getDimension()).isEqualTo(4);

        emulator.faults().exhaustMonthlyQuota();
        assertStatus(() -> stub.describeIndexStats(stats), Status.Code.RESOURCE_EXHAUSTED, "read unit limit for the current month");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(vector("a", new float[] {1, 0, 0, 0})).build()),
                Status.Code.RESOURCE_EXHAUSTED, "write unit limit for the current month");
        emulator.faults().clear();

        emulator.faults().unavailableNext(1);
        assertStatus(() -> stub.describeIndexStats(stats), Status.Code.UNAVAILABLE, "unavailable");
        stub.describeIndexStats(stats);

        emulator.faults().failCall(2, Status.Code.INTERNAL);
        stub.describeIndexStats(stats);
        assertStatus(() -> stub.describeIndexStats(stats), Status.Code.INTERNAL, "call");
        stub.describeIndexStats(stats);

        emulator.faults().rateLimitAll();
        for (int i = 0; i < 3; i++) {
            assertStatus(() -> stub.describeIndexStats(stats), Status.Code.RESOURCE_EXHAUSTED, "requests per second");
        }
        emulator.faults().clear();
        stub.describeIndexStats(stats);
        assertThat(emulator.faults().injectedCount()).isEqualTo(9);
    }

    @Test
    void faultsCanBeLimitedToSomeOperationsAndAppliedToAFraction() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        emulator.load("", List.of(VectorRecord.of("a", new float[] {1, 0, 0, 0})));
        VectorServiceBlockingStub stub = stub(emulator);

        emulator.faults().limitTo(PineconeOperation.FETCH).rateLimitAll();
        assertStatus(() -> stub.fetch(FetchRequest.newBuilder().addIds("a").build()), Status.Code.RESOURCE_EXHAUSTED, "fetch");
        assertThat(stub.list(ListRequest.getDefaultInstance()).getVectorsCount()).isEqualTo(1);
        emulator.faults().clear();

        emulator.faults().rateLimitFraction(0.5);
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            try {
                stub.describeIndexStats(DescribeIndexStatsRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                refused++;
            }
        }
        assertThat(refused).isBetween(1, 39);
    }

    @Test
    void perIndexLimitsAreOffByDefaultAndRefuseCallsBeyondTheirBudgetAcrossClientsPerOperation() throws InterruptedException {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        emulator.load("", List.of(VectorRecord.of("a", new float[] {1, 0, 0, 0})));
        VectorServiceBlockingStub first = stub(emulator);
        VectorServiceBlockingStub second = stub(emulator);
        FetchRequest fetch = FetchRequest.newBuilder().addIds("a").build();
        for (int i = 0; i < 50; i++) {
            first.fetch(fetch);
        }
        assertThat(emulator.faults().injectedCount()).isZero();

        emulator.faults().limitRequestsPerSecond(PineconeOperation.FETCH, 5);
        // A full bucket holds one second's worth, shared by both clients of the index.
        for (int i = 0; i < 5; i++) {
            (i % 2 == 0 ? first : second).fetch(fetch);
        }
        assertStatus(() -> second.fetch(fetch), Status.Code.RESOURCE_EXHAUSTED,
                "max fetch requests per second for this index (5 requests per second)");
        // Other operations have budgets of their own.
        assertThat(first.list(ListRequest.getDefaultInstance()).getVectorsCount()).isEqualTo(1);
        Thread.sleep(250);
        first.fetch(fetch);
        assertThat(emulator.faults().injectedCount()).isEqualTo(1);

        emulator.faults().clear();
        for (int i = 0; i < 20; i++) {
            first.fetch(fetch);
        }
        assertThat(emulator.faults().injectedCount()).isEqualTo(1);
        assertThatThrownBy(() -> emulator.faults().limitRequestsPerSecond(PineconeOperation.FETCH, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestsPerSecond");
    }

    @Test
    void theDocumentedLimitsAreListTwoHundredAndFetchOneHundredPerSecond() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        VectorServiceBlockingStub stub = stub(emulator);
        emulator.faults().enforceDocumentedLimits();

        int listed = 0;
        long started = System.nanoTime();
        try {
            while (true) {
                stub.list(ListRequest.getDefaultInstance());
                listed++;
            }
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("(200 requests per second)");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // The one-second burst, plus whatever refilled while the calls ran.
        assertThat((double) listed).isBetween(200.0, 200 + 200 * seconds + 1);
        assertThat(PineconeFaults.DOCUMENTED_PER_INDEX_LIMITS).containsEntry(PineconeOperation.FETCH, 100.0)
                .containsEntry(PineconeOperation.LIST, 200.0);
    }

    @Test
    void addedLatencyOutlastsAShortDeadline() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        emulator.faults().latency(Duration.ofSeconds(5));

        assertThatThrownBy(() -> stub(emulator).withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                .describeIndexStats(DescribeIndexStatsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    }

    @Test
    void requestsAreRecordedWithTheirSizes() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        UpsertRequest upsert = UpsertRequest.newBuilder().setNamespace("ns")
                .addVectors(vector("a", new float[] {1, 0, 0, 0})).addVectors(vector("b", new float[] {0, 1, 0, 0})).build();

        stub(emulator).upsert(upsert);
        stub(emulator).fetch(FetchRequest.newBuilder().setNamespace("ns").addIds("a").build());

        assertThat(emulator.requests()).containsExactly(
                new RecordedRequest(PineconeOperation.UPSERT, "ns", 2, upsert.getSerializedSize()),
                new RecordedRequest(PineconeOperation.FETCH, "ns", 1,
                        FetchRequest.newBuilder().setNamespace("ns").addIds("a").build().getSerializedSize()));
        emulator.clearRequests();
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void loadAndRecordsBypassGrpcAndTheDefaultNamespaceHasTwoNames() {
        PineconeEmulator emulator = start(4, DistanceMetric.COSINE);
        List<VectorRecord> records = TestData.randomRecords(new Random(9), 50, 4, "seed-");

        emulator.load("__default__", records);

        assertThat(emulator.records("")).containsExactlyInAnyOrderElementsOf(records);
        assertThat(emulator.namespaceCounts()).containsExactly(Map.entry("", 50L));
        assertThatThrownBy(() -> emulator.load("", List.of(VectorRecord.of("bad", new float[] {1}))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad'");
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void theStandaloneMainParsesItsOptionsAndPrintsTheSettings() {
        PineconeEmulator emulator = PineconeEmulatorMain.parse(List.of("--port", "0", "--dimension", "16",
                "--metric", "euclidean", "--index", "demo", "--api-key", "demo-key")).start();
        opened.add(emulator);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        PineconeEmulatorMain.print(emulator, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(emulator.dimension()).isEqualTo(16);
        assertThat(emulator.metric()).isEqualTo(DistanceMetric.EUCLIDEAN);
        assertThat(printed).contains("PINECONE_INDEX_NAME=demo", "PINECONE_API_KEY=demo-key",
                "PINECONE_INDEX_HOST=" + emulator.indexHost(), "PINECONE_CONTROL_PLANE_URL=" + emulator.controlPlaneUrl(),
                "PINECONE_TLS=false").endsWith("READY" + System.lineSeparator());
        assertThatThrownBy(() -> PineconeEmulatorMain.parse(List.of("--dimension"))).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> PineconeEmulatorMain.parse(List.of("--colour", "red"))).hasMessageContaining("unknown option");
    }

    @Test
    void sparseValuesThroughTheClientsOwnIndexAreStoredReturnedAndScored() {
        PineconeEmulator emulator = start(3, DistanceMetric.DOTPRODUCT);
        PineconeConfig config = new PineconeConfig(emulator.apiKey());
        config.setHost(emulator.indexHost());
        config.setTLSEnabled(false);
        PineconeConnection connection = new PineconeConnection(config);
        opened.add(connection);
        Index index = new Index(config, connection, "test-index");

        // Unsorted indices are accepted, as by Pinecone; one above 2^31 checks the unsigned reading.
        index.upsert("s", List.of(1f, 0f, 0f), List.of(4_000_000_000L, 5L), List.of(2f, 1f), null, "ns");
        index.upsert("d", List.of(0f, 3f, 0f), null, null, null, "ns");
        QueryResponseWithUnsignedIndices result = index.query(2, List.of(1f, 1f, 0f), List.of(5L, 4_000_000_000L),
                List.of(3f, 0.5f), null, "ns", null, true, false);

        assertThat(result.getMatchesList()).extracting(match -> match.getId()).containsExactly("s", "d");
        assertThat(result.getMatches(0).getScore()).isEqualTo(1f + 1 * 3 + 2 * 0.5f);
        assertThat(result.getMatches(1).getScore()).isEqualTo(3f);
        assertThat(result.getMatches(0).getSparseValuesWithUnsignedIndices().getIndicesWithUnsigned32IntList())
                .containsExactly(4_000_000_000L, 5L);
        VectorRecord stored = emulator.records("ns").get(1);
        assertThat(stored.id()).isEqualTo("s");
        assertThat(stored.sparseValues().indices()).containsExactly(5L, 4_000_000_000L);
        assertThat(stored.sparseValues().values()).containsExactly(1f, 2f);
    }

    @Test
    void badSparseValuesAndSparseQueriesOnOtherMetricsAreRejectedAsPineconeDoes() {
        VectorServiceBlockingStub stub = stub(start(2, DistanceMetric.DOTPRODUCT));
        io.pinecone.proto.SparseValues duplicate = io.pinecone.proto.SparseValues.newBuilder()
                .addAllIndices(List.of(3, 3)).addAllValues(List.of(1f, 1f)).build();
        io.pinecone.proto.SparseValues mismatched = io.pinecone.proto.SparseValues.newBuilder()
                .addAllIndices(List.of(1, 2)).addValues(1f).build();
        io.pinecone.proto.SparseValues.Builder tooMany = io.pinecone.proto.SparseValues.newBuilder();
        IntStream.range(0, 1001).forEach(i -> tooMany.addIndices(i).addValues(1f));
        io.pinecone.proto.SparseValues nan = io.pinecone.proto.SparseValues.newBuilder().addIndices(1).addValues(Float.NaN).build();
        Vector.Builder dense = Vector.newBuilder().setId("x").addAllValues(List.of(1f, 0f));

        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(dense.clone().setSparseValues(duplicate)).build()),
                Status.Code.INVALID_ARGUMENT, "duplicate");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(dense.clone().setSparseValues(mismatched)).build()),
                Status.Code.INVALID_ARGUMENT, "same length");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(dense.clone().setSparseValues(tooMany)).build()),
                Status.Code.INVALID_ARGUMENT, "1000");
        assertStatus(() -> stub.upsert(UpsertRequest.newBuilder().addVectors(dense.clone().setSparseValues(nan)).build()),
                Status.Code.INVALID_ARGUMENT, "finite");
        assertStatus(() -> stub.query(QueryRequest.newBuilder().setTopK(1).addAllVector(List.of(1f, 0f)).setSparseVector(duplicate).build()),
                Status.Code.INVALID_ARGUMENT, "duplicate");

        VectorServiceBlockingStub cosine = stub(start(2, DistanceMetric.COSINE));
        cosine.upsert(UpsertRequest.newBuilder().addVectors(dense.clone().setSparseValues(nan.toBuilder().setValues(0, 1f))).build());
        assertStatus(() -> cosine.query(QueryRequest.newBuilder().setTopK(1).addAllVector(List.of(1f, 0f))
                .setSparseVector(nan.toBuilder().setValues(0, 1f)).build()), Status.Code.INVALID_ARGUMENT, "dotproduct");
    }

    @Test
    void updateFetchByMetadataQueryByIdAndNamespacesThroughTheClientsOwnIndex() {
        PineconeEmulator emulator = start(3, DistanceMetric.DOTPRODUCT);
        PineconeConfig config = new PineconeConfig(emulator.apiKey());
        config.setHost(emulator.indexHost());
        config.setTLSEnabled(false);
        PineconeConnection connection = new PineconeConnection(config);
        opened.add(connection);
        Index index = new Index(config, connection, "test-index");
        index.upsert("a", List.of(1f, 0f, 0f), null, null, struct("genre", text("drama")), "ns");
        index.upsert("b", List.of(0f, 1f, 0f), null, null, struct("genre", text("comedy")), "ns");
        index.upsert("c", List.of(0f, 0f, 1f), null, null, struct("genre", text("drama")), "");

        index.update("a", null, struct("year", number(2021)), "ns", List.of(4_000_000_000L), List.of(2f));
        index.update("missing", List.of(1f, 1f, 1f), null, "ns", null, null);

        VectorRecord updated = emulator.records("ns").get(0);
        assertThat(updated.metadata()).isEqualTo(Map.of("genre", "drama", "year", 2021.0));
        assertThat(updated.values()).containsExactly(1f, 0f, 0f);
        assertThat(updated.sparseValues().indices()).containsExactly(4_000_000_000L);
        assertThat(emulator.records("ns")).extracting(VectorRecord::id).containsExactly("a", "b");

        FetchByMetadataResponse first = index.fetchByMetadata("ns", struct("genre", text("drama")), 1, null);
        assertThat(first.getVectorsMap()).containsOnlyKeys("a");
        assertThat(first.getVectorsMap().get("a").getSparseValues().getIndicesCount()).isEqualTo(1);
        assertThat(first.getPagination().getNext()).isEmpty();
        FetchByMetadataResponse paged = index.fetchByMetadata("ns", null, 1, null);
        assertThat(paged.getVectorsMap()).containsOnlyKeys("a");
        assertThat(index.fetchByMetadata("ns", null, 1, paged.getPagination().getNext()).getVectorsMap()).containsOnlyKeys("b");

        QueryResponseWithUnsignedIndices byId = index.queryByVectorId(2, "b", "ns", null, false, true);
        assertThat(byId.getMatchesList()).extracting(match -> match.getId()).containsExactly("b", "a");
        assertThat(byId.getMatches(0).getScore()).isEqualTo(1f);
        assertThat(index.queryByVectorId(2, "c", "ns", null, false, false).getMatchesList()).isEmpty();

        assertThat(index.listNamespaces().getNamespacesList()).extracting(description -> description.getName())
                .containsExactly("__default__", "ns");
        index.deleteNamespace("ns");
        assertThat(index.listNamespaces().getNamespacesList()).extracting(description -> description.getName())
                .containsExactly("__default__");
        assertThat(emulator.records("ns")).isEmpty();
        assertThatThrownBy(() -> index.deleteNamespace("ns")).hasMessageContaining("not found");
    }

    @Test
    void badUpdatesAreRejectedAndChangeNothing() {
        PineconeEmulator emulator = start(2, DistanceMetric.COSINE);
        VectorServiceBlockingStub stub = stub(emulator);
        stub.upsert(UpsertRequest.newBuilder().addVectors(vector("a", new float[] {1, 0}, Map.of("k", text("v")))).build());

        assertStatus(() -> stub.update(UpdateRequest.newBuilder().setId("a").addAllValues(List.of(1f, 0f, 0f)).build()),
                Status.Code.INVALID_ARGUMENT, "dimension");
        assertStatus(() -> stub.update(UpdateRequest.newBuilder().setId("a").build()), Status.Code.INVALID_ARGUMENT, "set_metadata");
        assertStatus(() -> stub.update(UpdateRequest.newBuilder().setId("a")
                .setSetMetadata(struct("big", text("x".repeat(41_000)))).build()), Status.Code.INVALID_ARGUMENT, "Metadata size");

        assertThat(emulator.records("")).containsExactly(VectorRecord.of("a", new float[] {1, 0}, Map.of("k", "v")));
    }
}
