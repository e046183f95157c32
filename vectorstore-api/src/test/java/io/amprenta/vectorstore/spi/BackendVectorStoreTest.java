package io.amprenta.vectorstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What the adapter guarantees to every backend, seen from a backend that records its calls. */
class BackendVectorStoreTest {

    private final RecordingBackend backend = new RecordingBackend();
    private final VectorStore store = BackendVectorStore.of(backend, "ns");

    @Test
    void duplicateIdsReachTheBackendOnceWithTheLastRecord() {
        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0}, Map.of("n", 1)), VectorRecord.of("b", new float[] {0, 1}),
                VectorRecord.of("a", new float[] {1, 1}, Map.of("n", 2))));

        assertThat(backend.calls).containsExactly("upsert ns [a, b]");
        assertThat(backend.lastUpsert.get(0).metadata()).isEqualTo(Map.of("n", 2.0));
    }

    @Test
    void aBatchWithOneBadRecordNeverReachesTheBackend() {
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("ok", new float[] {1, 0}), VectorRecord.of("bad", new float[] {1}))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'bad'");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void sparseValuesAreRefusedBeforeWritingWhenTheBackendCannotStoreThem() {
        VectorRecord sparse = VectorRecord.of("sparse", new float[] {1, 0})
                .withSparseValues(SparseValues.of(new long[] {3}, new float[] {0.5f}));

        assertThat(store.supportsSparseValues()).isFalse();
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("ok", new float[] {1, 0}), sparse)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                .hasMessageContaining("'sparse'").hasMessageContaining("nothing was written");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void hybridQueriesAreRefusedWhenTheBackendCannotSearchSparseValues() {
        Query hybrid = Query.builder(new float[] {1, 0}).sparseVector(SparseValues.of(new long[] {3}, new float[] {1})).build();

        assertThatThrownBy(() -> store.query(hybrid))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SPARSE_VALUES_UNSUPPORTED))
                .hasMessageContaining("sparse vector");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void invalidSparseValuesNeverReachTheBackend() {
        VectorRecord unsorted = VectorRecord.of("unsorted", new float[] {1, 0})
                .withSparseValues(SparseValues.of(new long[] {9, 2}, new float[] {1, 1}));

        assertThatThrownBy(() -> store.upsert(List.of(unsorted)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPARSE_VALUES))
                .hasMessageContaining("'unsorted'");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void fetchAndDeleteSendDistinctIdsAndSkipEmptyCalls() {
        store.fetch(List.of("x", "y", "x"));
        store.delete(List.of());
        store.fetch(List.of());

        assertThat(backend.calls).containsExactly("fetch ns [x, y]");
    }

    @Test
    void viewsBindTheirNamespaceAndDoNotCloseTheBackend() {
        VectorStore view = store.inNamespace("other");
        view.deleteAll();
        view.close();
        store.deleteAll();

        assertThat(backend.calls).containsExactly("deleteAll other", "deleteAll ns");
        assertThat(backend.closed).isZero();
        store.close();
        store.close();
        assertThat(backend.closed).isEqualTo(1);
    }

    @Test
    void healthTurnsFailuresIntoADownReport() {
        backend.failHealth = true;

        HealthReport report = store.health();

        assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(report.message()).contains("database is down");
        assertThat(report.details()).containsEntry("error", "unavailable");
    }

    @Test
    void aHealthCheckThatHangsIsDownAfterItsTimeout() {
        backend.healthDelay = Duration.ofMinutes(5);

        long started = System.nanoTime();
        HealthReport report = store.health(Duration.ofMillis(200));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(report.message()).isEqualTo("no answer within 200 ms");
        assertThat(report.details()).containsEntry("error", "timeout");
        assertThat(report.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThatThrownBy(() -> store.health(Duration.ZERO)).hasMessageContaining("timeout must be positive");
    }

    @Test
    void aHealthCheckWithinItsTimeoutReportsAsUsual() {
        HealthReport report = store.health(Duration.ofSeconds(30));

        assertThat(report.status()).isEqualTo(HealthReport.Status.UP);
        assertThat(backend.calls).contains("query ns");
    }

    @Test
    void unwrapReachesTheBackend() {
        assertThat(store.unwrap(RecordingBackend.class)).isSameAs(backend);
        assertThatThrownBy(() -> store.unwrap(String.class)).hasMessageContaining(RecordingBackend.class.getName());
    }

    /** Records calls; answers with empty results. */
    static final class RecordingBackend implements VectorStoreBackend {
        final List<String> calls = new ArrayList<>();
        List<VectorRecord> lastUpsert;
        int closed;
        boolean failHealth;
        Duration healthDelay = Duration.ZERO;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public DistanceMetric metric() {
            return DistanceMetric.COSINE;
        }

        @Override
        public OptionalInt dimension() {
            return OptionalInt.of(2);
        }

        @Override
        public void upsert(String namespace, List<VectorRecord> records) {
            lastUpsert = records;
            calls.add("upsert " + namespace + " " + records.stream().map(VectorRecord::id).toList());
        }

        @Override
        public List<Match> query(String namespace, Query query) {
            calls.add("query " + namespace);
            return List.of();
        }

        @Override
        public Map<String, VectorRecord> fetch(String namespace, List<String> ids) {
            calls.add("fetch " + namespace + " " + ids);
            return Map.of();
        }

        @Override
        public void delete(String namespace, List<String> ids) {
            calls.add("delete " + namespace + " " + ids);
        }

        @Override
        public void deleteByFilter(String namespace, Filter filter) {
            calls.add("deleteByFilter " + namespace);
        }

        @Override
        public void deleteAll(String namespace) {
            calls.add("deleteAll " + namespace);
        }

        @Override
        public IdPage listIds(String namespace, IdPageRequest request) {
            return new IdPage(List.of(), request, null);
        }

        @Override
        public boolean update(String namespace, String id, float[] values, SparseValues sparseValues,
                              Map<String, Object> setMetadata) {
            calls.add("update " + namespace + " " + id);
            return false;
        }

        @Override
        public RecordPage fetchByFilter(String namespace, RecordPageRequest request) {
            calls.add("fetchByFilter " + namespace);
            return new RecordPage(List.of(), request, null);
        }

        @Override
        public StoreStats stats() {
            return new StoreStats(name(), dimension(), metric(), Map.of());
        }

        @Override
        public HealthReport health(String namespace) {
            if (failHealth) {
                throw new UnavailableException("database is down", null);
            }
            try {
                Thread.sleep(healthDelay.toMillis());
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
            return VectorStoreBackend.super.health(namespace);
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
