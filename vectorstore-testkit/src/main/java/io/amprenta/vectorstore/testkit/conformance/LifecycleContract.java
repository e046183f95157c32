package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stats, health, unwrapping and closing. */
public interface LifecycleContract extends StoreFixture {

    @ParameterizedTest
    @EnumSource(DistanceMetric.class)
    default void statsReportDimensionMetricAndCounts(DistanceMetric metric) {
        VectorStore store = newStore(12, metric);
        store.upsert(List.of(VectorRecord.of("one", TestData.unit(12, 1))));

        StoreStats stats = store.stats();

        assertThat(stats.dimension()).hasValue(12);
        assertThat(stats.metric()).isEqualTo(metric);
        assertThat(stats.count("")).isEqualTo(1);
        assertThat(stats.backend()).isEqualTo(store.backend());
    }

    @Test
    default void healthIsUpOnAWorkingStore() {
        VectorStore store = newStore();
        store.upsert(List.of(VectorRecord.of("canary", TestData.unit(DIMENSION, 0))));

        HealthReport health = store.health();

        assertThat(health.isUsable()).as(health.message()).isTrue();
        assertThat(health.backend()).isEqualTo(store.backend());
        assertThat(health.latency()).isPositive();
    }

    @Test
    default void unwrappingToAnUnrelatedTypeSaysWhatIsAvailable() {
        VectorStore store = newStore();

        assertThat(store.unwrap(VectorStore.class)).isSameAs(store);
        assertThatThrownBy(() -> store.unwrap(Thread.class))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION))
                .hasMessageContaining("java.lang.Thread");
    }

    @Test
    default void aClosedStoreRefusesWorkAndReportsDown() {
        VectorStore store = newStore();
        store.close();
        store.close();

        assertThatThrownBy(() -> store.fetch(List.of("x")))
                .isInstanceOfSatisfying(VectorStoreException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_CLOSED));
        assertThat(store.health().status()).isEqualTo(HealthReport.Status.DOWN);
    }
}
