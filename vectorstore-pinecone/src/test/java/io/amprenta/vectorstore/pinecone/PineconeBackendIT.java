package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.NonRetryableException;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.QuotaExhaustedException;
import io.amprenta.vectorstore.RateLimitedException;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.pinecone.RecordedRequest;
import io.grpc.Status;
import io.pinecone.clients.Index;
import io.pinecone.configs.PineconeConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the conformance kit does not see: how the backend splits its requests, retries under injected
 * faults, refuses to retry authentication and quota failures, finds the index, and maps Pinecone's answers.
 */
class PineconeBackendIT {

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<RetryableException> retried = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private PineconeEmulator emulator(int dimension, DistanceMetric metric) {
        PineconeEmulator emulator = PineconeEmulator.builder().dimension(dimension).metric(metric).indexName("docs").start();
        opened.add(emulator);
        return emulator;
    }

    /** A store over {@code emulator}, fast retries recorded in {@link #retried}, with extra settings. */
    private VectorStore store(PineconeEmulator emulator, String... extra) {
        Map<String, String> config = new HashMap<>(emulator.config());
        config.put("PINECONE_RETRY_INITIAL_DELAY", "5ms");
        config.put("PINECONE_RETRY_MAX_DELAY", "20ms");
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        VectorStore store = PineconeVectorStore.builder(VectorStoreConfig.of(config))
                .onRetry((operation, attempt, failure, delay) -> retried.add(failure))
                .build();
        opened.add(store);
        return store;
    }

    private static List<Integer> items(PineconeEmulator emulator, PineconeOperation operation) {
        return emulator.requests().stream().filter(request -> request.operation() == operation).map(RecordedRequest::items).toList();
    }

    @Test
    void upsertsAreSplitAtOneThousandVectors() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        List<VectorRecord> records = TestData.randomRecords(new Random(1), 2_500, 8, "r");

        store.upsert(records);

        assertThat(items(emulator, PineconeOperation.UPSERT)).containsExactly(1000, 1000, 500);
        assertThat(emulator.records("")).containsExactlyInAnyOrderElementsOf(records);
    }

    @Test
    void upsertsAreSplitBeforeTwoMegabytes() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        String body = "m".repeat(30_000);
        List<VectorRecord> records = new ArrayList<>();
        IntStream.range(0, 200).forEach(i -> records.add(VectorRecord.of("fat-" + i, TestData.unit(8, i % 8), Map.of("body", body, "n", i))));

        store.upsert(records);

        List<RecordedRequest> upserts = emulator.requests().stream().filter(r -> r.operation() == PineconeOperation.UPSERT).toList();
        assertThat(upserts).hasSizeGreaterThan(2).allSatisfy(request -> assertThat(request.bytes()).isLessThanOrEqualTo(2_000_000));
        assertThat(upserts.stream().mapToInt(RecordedRequest::items).sum()).isEqualTo(200);
        assertThat(emulator.records("")).containsExactlyInAnyOrderElementsOf(records);
    }

    @Test
    void fetchesAndDeletesAreSplitAtOneThousandIds() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.DOTPRODUCT);
        List<VectorRecord> records = TestData.randomRecords(new Random(2), 2_100, 8, "id-");
        emulator.load("", records);
        VectorStore store = store(emulator);
        List<String> ids = records.stream().map(VectorRecord::id).toList();

        assertThat(store.fetch(ids)).hasSize(2_100);
        store.delete(ids);

        assertThat(items(emulator, PineconeOperation.FETCH)).containsExactly(1000, 1000, 100);
        assertThat(items(emulator, PineconeOperation.DELETE)).containsExactly(1000, 1000, 100);
        assertThat(emulator.namespaceCounts()).isEmpty();
    }

    @Test
    void idPagesLargerThanPineconesAreFilledWithSeveralCallsAndResumeFromTheToken() {
        PineconeEmulator emulator = emulator(4, DistanceMetric.EUCLIDEAN);
        List<VectorRecord> records = new ArrayList<>();
        IntStream.range(0, 620).forEach(i -> records.add(VectorRecord.of(String.format("doc#%04d", i), new float[] {1, i, 0, 0})));
        emulator.load("ns", records);
        VectorStore store = store(emulator).inNamespace("ns");

        IdPage first = store.listIds(IdPageRequest.first(250).withPrefix("doc#"));
        IdPage second = store.listIds(first.next().orElseThrow());
        IdPage third = store.listIds(second.next().orElseThrow());

        assertThat(first.ids()).hasSize(250).isSorted();
        assertThat(second.ids()).hasSize(250);
        assertThat(third.ids()).hasSize(120);
        assertThat(third.hasMore()).isFalse();
        assertThat(first.ids().get(249).compareTo(second.ids().get(0))).isNegative();
        assertThat(items(emulator, PineconeOperation.LIST)).hasSize(8);
        assertThatThrownBy(() -> store.listIds(IdPageRequest.all().after("forged-cursor")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CURSOR))
                .hasMessageContaining("forged-cursor");
    }

    @Test
    void throttlingAndUnavailabilityAreRetriedAndEveryRetryIsReported() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        List<VectorRecord> records = TestData.randomRecords(new Random(3), 1_500, 8, "t");

        emulator.faults().limitTo(PineconeOperation.UPSERT).rateLimitNext(2);
        store.upsert(records);
        emulator.faults().clear().limitTo(PineconeOperation.FETCH).unavailableNext(2);
        assertThat(store.fetch(List.of("t0", "t1499"))).hasSize(2);
        emulator.faults().clear().limitTo(PineconeOperation.QUERY).failCall(1, Status.Code.DEADLINE_EXCEEDED);
        assertThat(store.query(Query.builder(TestData.unit(8, 0)).topK(3).build())).hasSize(3);

        assertThat(emulator.records("")).hasSize(1_500);
        assertThat(retried).hasSize(5);
        assertThat(retried.subList(0, 2)).allSatisfy(failure -> assertThat(failure).isInstanceOf(RateLimitedException.class));
        assertThat(retried.subList(2, 4)).allSatisfy(failure -> assertThat(failure).isInstanceOf(UnavailableException.class));
        assertThat(retried.get(4)).isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsThrown() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator, "PINECONE_MAX_RETRIES", "2");
        emulator.faults().rateLimitAll();

        assertThatThrownBy(() -> store.fetch(List.of("x"))).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("throttling").hasMessageContaining("docs/errors.md#rate-limited");
        assertThat(emulator.faults().injectedCount()).isEqualTo(3);
        assertThat(retried).hasSize(2);
    }

    @Test
    void anExhaustedMonthlyQuotaStopsAtOnce() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        emulator.faults().exhaustMonthlyQuota();

        assertThatThrownBy(() -> store.upsert(TestData.randomRecords(new Random(4), 10, 8, "q")))
                .isInstanceOf(QuotaExhaustedException.class).hasMessageContaining("write unit limit for the current month");
        assertThatThrownBy(() -> store.fetch(List.of("q1"))).isInstanceOf(QuotaExhaustedException.class);
        assertThat(emulator.faults().injectedCount()).isEqualTo(2);
        assertThat(retried).isEmpty();
    }

    @Test
    void aWrongApiKeyFailsOnceWithoutRetrying() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        Map<String, String> byName = new HashMap<>(emulator.config());
        byName.put("PINECONE_API_KEY", "not-the-key");
        Map<String, String> byHost = new HashMap<>(emulator.hostConfig());
        byHost.put("PINECONE_API_KEY", "not-the-key");

        assertThatThrownBy(() -> PineconeVectorStore.builder(VectorStoreConfig.of(byName))
                .onRetry((operation, attempt, failure, delay) -> retried.add(failure)).build())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("HTTP 401").hasMessageContaining("PINECONE_API_KEY");
        assertThatThrownBy(() -> PineconeVectorStore.builder(VectorStoreConfig.of(byHost))
                .onRetry((operation, attempt, failure, delay) -> retried.add(failure)).build())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("UNAUTHENTICATED");
        assertThat(retried).isEmpty();
        assertThat(emulator.requests()).isEmpty();
    }

    @Test
    void aSlowAnswerBecomesATimeout() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator, "PINECONE_TIMEOUT", "200ms", "PINECONE_MAX_RETRIES", "0");
        emulator.faults().latency(Duration.ofSeconds(3));

        assertThatThrownBy(() -> store.fetch(List.of("slow"))).isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("PINECONE_TIMEOUT");
    }

    @Test
    void theIndexIsFoundByHostAsWellAsByName() {
        PineconeEmulator emulator = emulator(24, DistanceMetric.DOTPRODUCT);

        VectorStore byHost = VectorStores.get(emulator.hostConfig());
        opened.add(byHost);

        assertThat(byHost.stats().dimension()).hasValue(24);
        assertThat(byHost.stats().metric()).isEqualTo(DistanceMetric.DOTPRODUCT);
        assertThat(byHost.unwrap(PineconeSettings.class).indexHost()).contains(emulator.indexHost());
    }

    @Test
    void lookupFailuresSayWhatIsWrong() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        Map<String, String> unknown = new HashMap<>(emulator.config());
        unknown.put("PINECONE_INDEX_NAME", "no-such-index");
        Map<String, String> unreachable = new HashMap<>(emulator.config());
        unreachable.put("PINECONE_CONTROL_PLANE_URL", "http://127.0.0.1:1");
        unreachable.put("PINECONE_MAX_RETRIES", "0");
        Map<String, String> wrongMetric = new HashMap<>(emulator.config());
        wrongMetric.put("PINECONE_METRIC", "euclidean");

        assertThatThrownBy(() -> VectorStores.get(unknown)).isInstanceOfSatisfying(NonRetryableException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INDEX_NOT_FOUND)).hasMessageContaining("no-such-index");
        assertThatThrownBy(() -> VectorStores.get(unreachable)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThatThrownBy(() -> VectorStores.get(wrongMetric)).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SETTING)).hasMessageContaining("PINECONE_METRIC");
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "pinecone", "PINECONE_INDEX_NAME", "docs")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_SETTING))
                .hasMessageContaining("PINECONE_API_KEY");
        assertThat(VectorStores.installedBackends()).contains("pinecone");
    }

    @Test
    void largeResultsWithMetadataAreFetchedInASecondStep() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.EUCLIDEAN);
        List<VectorRecord> records = TestData.randomRecords(new Random(5), 1_500, 8, "big-");
        emulator.load("", records);
        List<VectorRecord> fat = new ArrayList<>();
        IntStream.range(0, 150).forEach(i -> fat.add(VectorRecord.of("fat-" + i, TestData.randomVector(new Random(i), 8),
                Map.of("body", "f".repeat(30_000)))));
        emulator.load("fat", fat);
        VectorStore store = store(emulator);
        float[] query = TestData.randomVector(new Random(6), 8);

        List<Match> many = store.query(Query.builder(query).topK(1_200).includeValues(true).build());
        List<Match> heavy = store.inNamespace("fat").query(Query.builder(query).topK(150).build());

        assertThat(many).hasSize(1_200).allSatisfy(match -> {
            assertThat(match.metadata()).isEqualTo(records.stream().filter(r -> r.id().equals(match.id())).findFirst().orElseThrow().metadata());
            assertThat(match.hasValues()).isTrue();
        });
        assertThat(many).extracting(Match::score).isSorted();
        assertThat(heavy).hasSize(150).allSatisfy(match -> assertThat(match.metadata()).containsKey("body"));
        assertThat(emulator.requests()).extracting(RecordedRequest::operation).contains(PineconeOperation.FETCH);
    }

    @Test
    void deletingFromAnEmptyNamespaceAndDeletingByTheEmptyFilterWork() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);

        store.deleteAll();
        store.delete(List.of("nothing"));
        store.deleteByFilter(Filter.eq("genre", "drama"));
        store.upsert(TestData.randomRecords(new Random(7), 5, 8, "e"));
        store.deleteByFilter(Filter.all());

        assertThat(emulator.namespaceCounts()).isEmpty();
    }

    @Test
    void healthIsACanarySearchAndReportsDownWithoutRetrying() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);

        HealthReport up = store.health();
        emulator.faults().unavailableNext(1);
        HealthReport down = store.health();

        assertThat(up.status()).isEqualTo(HealthReport.Status.UP);
        assertThat(up.details()).containsEntry("index", "docs").containsEntry("host", emulator.indexHost())
                .containsEntry("dimension", 8).containsEntry("metric", "cosine");
        assertThat(down.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(down.details()).containsEntry("error", "unavailable");
        assertThat(retried).isEmpty();
    }

    @Test
    void theClientsIndexIsAvailableForWhatThisApiDoesNotCover() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        store.upsert(TestData.randomRecords(new Random(8), 3, 8, "u"));

        Index index = store.unwrap(Index.class);

        assertThat(index.describeIndexStats().getTotalVectorCount()).isEqualTo(3);
        assertThat(store.unwrap(PineconeConnection.class)).isNotNull();
        assertThatThrownBy(() -> store.unwrap(String.class)).hasMessageContaining(Index.class.getName());
    }

    @Test
    void aCallersOwnRetryPolicyReplacesTheSettings() {
        PineconeEmulator emulator = emulator(8, DistanceMetric.COSINE);
        List<String> operations = new CopyOnWriteArrayList<>();
        RetryPolicy policy = RetryPolicy.builder().maxRetries(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .onRetry((operation, attempt, failure, delay) -> operations.add(operation)).build();
        VectorStore store = PineconeVectorStore.builder().apiKey(emulator.apiKey()).indexHost(emulator.indexHost()).tls(false)
                .retryPolicy(policy).onRetry((operation, attempt, failure, delay) -> retried.add(failure)).build();
        opened.add(store);
        emulator.faults().rateLimitNext(3);

        assertThat(store.fetch(List.of("none"))).isEmpty();
        assertThat(operations).containsExactly("pinecone fetch", "pinecone fetch", "pinecone fetch");
        assertThat(retried).hasSize(3).allSatisfy(failure -> assertThat(failure).isInstanceOf(RateLimitedException.class));
        emulator.faults().rateLimitNext(4);
        assertThatThrownBy(() -> store.fetch(List.of("none"))).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void sparseValuesTravelWholeThroughUpsertFetchAndQueryIncludingIndicesAboveTwoToThe31() {
        PineconeEmulator emulator = emulator(4, DistanceMetric.DOTPRODUCT);
        VectorStore store = store(emulator);
        SparseValues sparse = SparseValues.of(new long[] {0, 2_147_483_648L, SparseValues.MAX_INDEX}, new float[] {1, 2, 3});
        VectorRecord record = VectorRecord.of("s", new float[] {1, 0, 0, 0}, Map.of("g", "x")).withSparseValues(sparse);
        store.upsert(List.of(record, VectorRecord.of("d", new float[] {0, 1, 0, 0})));

        assertThat(emulator.records("")).contains(record);
        assertThat(store.fetch(List.of("s", "d"))).containsEntry("s", record)
                .hasEntrySatisfying("d", dense -> assertThat(dense.sparseValues()).isNull());
        Query hybrid = Query.builder(new float[] {1, 1, 0, 0}).topK(2).includeValues(true)
                .sparseVector(SparseValues.of(new long[] {2_147_483_648L, SparseValues.MAX_INDEX}, new float[] {0.5f, 1})).build();
        List<Match> matches = store.query(hybrid);
        assertThat(matches).extracting(Match::id).containsExactly("s", "d");
        assertThat(matches.get(0).score()).isEqualTo(1 + 2 * 0.5 + 3 * 1);
        assertThat(matches.get(0).sparseValues()).isEqualTo(sparse);
        // The second path of a query (ranked ids first, then fetch) keeps the sparse values too.
        List<Match> large = store.query(hybrid.withTopK(10_000));
        assertThat(large.get(0).sparseValues()).isEqualTo(sparse);
    }

    @Test
    void theEmulatorRejectsSparseQueriesOnOtherMetricsAsPineconeDoes() {
        PineconeEmulator emulator = emulator(4, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        store.upsert(List.of(VectorRecord.of("s", new float[] {1, 0, 0, 0})
                .withSparseValues(SparseValues.of(new long[] {1}, new float[] {1}))));
        io.pinecone.proto.QueryRequest request = io.pinecone.proto.QueryRequest.newBuilder().setTopK(1)
                .addAllVector(List.of(1f, 0f, 0f, 0f))
                .setSparseVector(RequestSplitting.toProto(SparseValues.of(new long[] {1}, new float[] {1}))).build();

        assertThatThrownBy(() -> store.unwrap(PineconeConnection.class).getBlockingStub().query(request))
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("dotproduct");
        assertThat(store.fetch(List.of("s")).get("s").sparseValues()).isNotNull();
    }

    @Test
    void indexesWithoutTheNamespaceCallsAreAnsweredFromStatsAndDeleteAll() {
        PineconeEmulator emulator = emulator(2, DistanceMetric.COSINE);
        VectorStore store = store(emulator);
        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0})));
        store.inNamespace("pods").upsert(List.of(VectorRecord.of("p", new float[] {1, 0})));
        emulator.clearRequests();

        emulator.faults().limitTo(PineconeOperation.LIST_NAMESPACES).failCall(1, Status.Code.UNIMPLEMENTED);
        assertThat(store.listNamespaces()).containsExactly("", "pods");
        emulator.faults().clear().limitTo(PineconeOperation.DELETE_NAMESPACE).failCall(1, Status.Code.UNIMPLEMENTED);
        store.deleteNamespace("pods");
        emulator.faults().clear();

        assertThat(emulator.namespaceCounts()).containsOnlyKeys("");
        assertThat(emulator.requests()).extracting(RecordedRequest::operation).contains(PineconeOperation.DESCRIBE_INDEX_STATS,
                PineconeOperation.DELETE);
    }
}
