package io.amprenta.vectorstore.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.FaultyStore;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.observe.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DualWriteVectorStoreTest {

    private final VectorStore primary = MemoryVectorStore.builder().dimension(2).build();
    private final FaultyStore secondary = new FaultyStore(MemoryVectorStore.builder().dimension(2).build());
    private final List<Divergence> heard = new ArrayList<>();

    private DualWriteVectorStore dual(boolean strict, double shadowRate) {
        return DualWriteVectorStore.builder(primary, secondary).strict(strict).shadowReadRate(shadowRate).onDivergence(heard::add).build();
    }

    private static VectorRecord record(String id, float x, float y) {
        return VectorRecord.of(id, new float[] {x, y}, Map.of("id", id));
    }

    @Test
    void writesReachBothAndReadsComeFromThePrimary() {
        DualWriteVectorStore store = dual(false, 0);
        store.upsert(List.of(record("a", 1, 0), record("b", 0, 1)));
        store.delete(List.of("b"));

        assertThat(primary.fetch(List.of("a", "b")).keySet()).containsExactly("a");
        assertThat(secondary.fetch(List.of("a", "b")).keySet()).containsExactly("a");
        secondary.deleteAll();
        assertThat(store.fetch(List.of("a"))).hasSize(1);
        assertThat(store.backend()).isEqualTo("dual");
    }

    @Test
    void aFailedPrimaryWriteNeverReachesTheSecondary() {
        FaultyStore failingPrimary = new FaultyStore(MemoryVectorStore.builder().dimension(2).build()).failWrites(true);
        DualWriteVectorStore store = DualWriteVectorStore.builder(failingPrimary, secondary).build();

        assertThatThrownBy(() -> store.upsert(List.of(record("a", 1, 0)))).isInstanceOf(UnavailableException.class);
        assertThat(secondary.fetch(List.of("a"))).isEmpty();
        assertThat(store.divergences()).isEmpty();
    }

    @Test
    void aFailedSecondaryWriteIsRecordedNotHidden() {
        DualWriteVectorStore store = dual(false, 0);
        secondary.failWrites(true);

        store.upsert(List.of(record("a", 1, 0), record("b", 0, 1)));

        assertThat(primary.fetch(List.of("a", "b"))).hasSize(2);
        assertThat(store.divergences()).singleElement().satisfies(d -> {
            assertThat(d.operation()).isEqualTo(Operation.UPSERT);
            assertThat(d.ids()).containsExactly("a", "b");
            assertThat(d.reason()).contains("injected outage");
        });
        assertThat(heard).hasSize(1);
        assertThat(store.health().details()).containsEntry("pendingDivergences", 1);
    }

    @Test
    void strictModeFailsTheCallAfterRecordingIt() {
        DualWriteVectorStore store = dual(true, 0);
        secondary.failWrites(true);

        assertThatThrownBy(() -> store.delete(List.of("x"))).isInstanceOf(UnavailableException.class);
        assertThat(store.divergences()).extracting(Divergence::operation).containsExactly(Operation.DELETE);
    }

    @Test
    void repairCopiesThePrimarysCurrentStateOfDivergedIds() {
        DualWriteVectorStore store = dual(false, 0);
        store.upsert(List.of(record("gone", 0, 1)));
        secondary.failWrites(true);
        store.upsert(List.of(record("a", 1, 0)));
        store.delete(List.of("gone"));
        assertThat(store.divergences()).hasSize(2);

        secondary.failWrites(false);
        assertThat(store.repair()).isEqualTo(2);

        assertThat(secondary.fetch(List.of("a", "gone")).keySet()).containsExactly("a");
        assertThat(secondary.fetch(List.of("a")).get("a")).isEqualTo(primary.fetch(List.of("a")).get("a"));
        assertThat(store.divergences()).isEmpty();
    }

    @Test
    void repairingAFailedDeleteAllKeepsWritesMadeSince() {
        DualWriteVectorStore store = dual(false, 0);
        store.upsert(List.of(record("old", 1, 0), record("drama", 0, 1)));
        secondary.failWrites(true);
        store.deleteAll();
        secondary.failWrites(false);
        store.upsert(List.of(record("new", 1, 1)));

        store.repair();

        assertThat(secondary.streamIds("").toList()).containsExactly("new");
        assertThat(store.divergences()).isEmpty();
    }

    @Test
    void repairOfAFilterDeleteRemovesOnlyWhatThePrimaryLacks() {
        DualWriteVectorStore store = dual(false, 0);
        store.upsert(List.of(record("x", 1, 0), record("y", 0, 1)));
        secondary.failWrites(true);
        store.deleteByFilter(Filter.eq("id", "x"));
        secondary.failWrites(false);

        store.repair();

        assertThat(secondary.streamIds("").toList()).containsExactly("y");
    }

    @Test
    void aRepairThatFailsAgainKeepsTheDivergence() {
        DualWriteVectorStore store = dual(false, 0);
        secondary.failWrites(true);
        store.upsert(List.of(record("a", 1, 0)));

        assertThat(store.repair()).isZero();
        assertThat(store.divergences()).hasSize(1);
    }

    @Test
    void shadowReadsMeasureOverlap() throws InterruptedException {
        DualWriteVectorStore store = dual(false, 1.0);
        store.upsert(List.of(record("a", 1, 0), record("b", 0.9f, 0.1f), record("c", 0, 1)));
        secondary.delete(List.of("b"));

        for (int i = 0; i < 5; i++) {
            store.query(Query.builder(new float[] {1, 0}).topK(2).build());
        }
        awaitShadowReads(store);

        ShadowReadStats stats = store.shadowReadStats();
        assertThat(stats.compared()).isEqualTo(5);
        assertThat(stats.meanOverlap()).isEqualTo(0.5);
        assertThat(stats.minOverlap()).isEqualTo(0.5);
    }

    @Test
    void failedShadowReadsAreCountedAndNeverReachTheCaller() throws InterruptedException {
        DualWriteVectorStore store = dual(false, 1.0);
        store.upsert(List.of(record("a", 1, 0)));
        secondary.failQueries(true);

        assertThat(store.query(Query.builder(new float[] {1, 0}).topK(1).build())).hasSize(1);
        awaitShadowReads(store);

        assertThat(store.shadowReadStats().secondaryFailures()).isEqualTo(1);
    }

    @Test
    void healthIsDegradedWhenOnlyTheSecondaryIsDown() {
        DualWriteVectorStore store = dual(false, 0);
        secondary.close();

        HealthReport health = store.health();

        assertThat(health.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(health.details()).containsEntry("secondaryStatus", "DOWN");
    }

    @Test
    void storesOfDifferentMetricsOrDimensionsAreRefused() {
        VectorStore euclidean = MemoryVectorStore.builder().dimension(2).metric(DistanceMetric.EUCLIDEAN).build();
        VectorStore wider = MemoryVectorStore.builder().dimension(3).build();

        assertThatThrownBy(() -> DualWriteVectorStore.builder(primary, euclidean).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("metric cosine").hasMessageContaining("metric euclidean");
        assertThatThrownBy(() -> DualWriteVectorStore.builder(primary, wider).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGVECTOR_DIMENSION");
    }

    @Test
    void closingClosesBothButViewsCloseNothing() {
        DualWriteVectorStore store = dual(false, 0);
        store.inNamespace("other").close();
        store.upsert(List.of(record("a", 1, 0)));

        store.close();

        assertThatThrownBy(() -> primary.fetch(List.of("a"))).hasMessageContaining("closed");
        assertThatThrownBy(() -> secondary.fetch(List.of("a"))).hasMessageContaining("closed");
    }

    @Test
    void theProviderRefusesTwoIdenticalSides() {
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "dual", "DUAL_WRITE_PRIMARY", "memory",
                "DUAL_WRITE_SECONDARY", "MEMORY")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("two different backends");
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "dual", "DUAL_WRITE_SHADOW_READ_RATE", "2")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("DUAL_WRITE_SHADOW_READ_RATE is '2'");
    }

    private static void awaitShadowReads(DualWriteVectorStore store) throws InterruptedException {
        store.awaitShadowReads();
    }

    @Test
    void sparseValuesAreRefusedBeforeThePrimaryWritesWhenTheSecondaryCannotKeepThem() {
        DualWriteVectorStore dual = dual(false, 0);
        VectorRecord sparse = record("s", 1, 0).withSparseValues(SparseValues.of(new long[] {4}, new float[] {1}));

        assertThat(dual.supportsSparseValues()).isFalse();
        assertThatThrownBy(() -> dual.upsert(List.of(record("plain", 0, 1), sparse)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                .hasMessageContaining("'s'").hasMessageContaining("secondary");
        assertThat(primary.fetch(List.of("plain", "s"))).isEmpty();
        assertThat(heard).isEmpty();

        DualWriteVectorStore both = DualWriteVectorStore.builder(primary, MemoryVectorStore.builder().dimension(2).build()).build();
        assertThat(both.supportsSparseValues()).isTrue();
        both.upsert(List.of(sparse));
        assertThat(both.secondary().fetch(List.of("s")).get("s")).isEqualTo(sparse);
    }

    @Test
    void aWriteOfAnIdWaitsForTheOneBeforeItToReachTheSecondary() throws Exception {
        // Thread A's secondary write is held until thread B has written the same id (or 500 ms pass). Unordered,
        // B's newer record reaches both stores first and A's older one then overwrites it in the secondary alone.
        CountDownLatch aAtSecondary = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        AtomicBoolean firstSecondaryWrite = new AtomicBoolean(true);
        secondary.beforeEachWrite(() -> {
            if (firstSecondaryWrite.getAndSet(false)) {
                aAtSecondary.countDown();
                awaitQuietly(bDone, 500);
            }
        });
        DualWriteVectorStore store = dual(false, 0);
        ExecutorService threads = Executors.newFixedThreadPool(2);

        Future<?> a = threads.submit(() -> store.upsert(List.of(record("x", 1, 0))));
        assertThat(aAtSecondary.await(10, TimeUnit.SECONDS)).isTrue();
        Future<?> b = threads.submit(() -> {
            store.upsert(List.of(record("x", 0, 1)));
            bDone.countDown();
        });
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);
        threads.shutdown();

        assertThat(primary.fetch(List.of("x")).get("x")).isEqualTo(record("x", 0, 1));
        assertThat(secondary.fetch(List.of("x"))).isEqualTo(primary.fetch(List.of("x")));
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void overlappingBatchesInAnyOrderNeverDeadlockAndLeaveBothStoresEqual() throws Exception {
        // Both sides pause at random before each write, so without ordering two threads' writes of one id
        // regularly reach the secondary in the opposite order to the primary.
        FaultyStore slowPrimary = new FaultyStore(MemoryVectorStore.builder().dimension(2).build()).delayWrites(Duration.ofMillis(1));
        secondary.delayWrites(Duration.ofMillis(1));
        DualWriteVectorStore store = DualWriteVectorStore.builder(slowPrimary, secondary).shadowReadRate(0).build();
        List<String> ids = List.of("a", "b", "c", "d", "e");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            writers.add(threads.submit(() -> {
                Random random = new Random(thread);
                for (int i = 0; i < 150; i++) {
                    // Batches of several ids in shuffled order: overlapping batches must not deadlock either.
                    List<String> batch = new ArrayList<>(ids);
                    Collections.shuffle(batch, random);
                    batch = batch.subList(0, 1 + random.nextInt(3));
                    switch (random.nextInt(6)) {
                        case 0 -> store.delete(batch);
                        case 1 -> store.setMetadata(batch.get(0), Map.of("by", thread * 1000 + i));
                        default -> store.upsert(batch.stream().map(id -> record(id, thread, random.nextInt(100) + 1)).toList());
                    }
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(store.divergences()).isEmpty();
        assertThat(secondary.fetch(ids)).isEqualTo(slowPrimary.fetch(ids));
    }
}
