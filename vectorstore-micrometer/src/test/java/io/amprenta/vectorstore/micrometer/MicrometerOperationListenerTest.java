package io.amprenta.vectorstore.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.observe.ObservedVectorStore;
import io.amprenta.vectorstore.observe.RecallEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerOperationListenerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void latencyRowsAndErrorsArePublishedWithTags() {
        VectorStore store = ObservedVectorStore.wrap(MemoryVectorStore.builder().dimension(2).namespace("docs").build(),
                new MicrometerOperationListener(registry));

        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0}), VectorRecord.of("b", new float[] {0, 1})));
        store.query(Query.builder(new float[] {1, 0}).topK(1).build());
        assertThatThrownBy(() -> store.query(Query.builder(new float[] {1, 0, 0}).build())).hasMessageContaining("dimensions");

        assertThat(registry.get("vectorstore.operation").tags("backend", "memory", "namespace", "docs", "operation", "upsert",
                "outcome", "none").timer().count()).isEqualTo(1);
        assertThat(registry.get("vectorstore.rows").tags("operation", "upsert").summary().totalAmount()).isEqualTo(2);
        assertThat(registry.get("vectorstore.rows").tags("operation", "query").summary().totalAmount()).isEqualTo(1);
        assertThat(registry.get("vectorstore.errors").tags("operation", "query", "kind", "invalid_request",
                "code", "dimension-mismatch").counter().count()).isEqualTo(1);
        assertThat(registry.get("vectorstore.operation").tags("operation", "query", "outcome", "invalid_request").timer().count())
                .isEqualTo(1);
    }

    @Test
    void theNamespaceTagCanBeLeftOut() {
        VectorStore store = ObservedVectorStore.wrap(MemoryVectorStore.builder().dimension(2).build(),
                new MicrometerOperationListener(registry).withoutNamespaceTag());

        store.inNamespace("tenant-1").upsert(List.of(VectorRecord.of("a", new float[] {1, 0})));
        store.inNamespace("tenant-2").upsert(List.of(VectorRecord.of("a", new float[] {1, 0})));

        assertThat(registry.get("vectorstore.operation").timers()).singleElement()
                .satisfies(timer -> assertThat(timer.getId().getTag("namespace")).isNull());
    }

    @Test
    void recallSamplesBecomeGaugesAndACounter() {
        MicrometerOperationListener listener = new MicrometerOperationListener(registry);
        listener.onRecall(new RecallEvent("pgvector", "docs", 0.8, 0.9, 1, 0.95));
        listener.onRecall(new RecallEvent("pgvector", "docs", 1.0, 0.93, 2, 0.95));

        assertThat(registry.get("vectorstore.recall").tags("backend", "pgvector", "namespace", "docs").gauge().value())
                .isEqualTo(0.93);
        assertThat(registry.get("vectorstore.recall.target").gauge().value()).isEqualTo(0.95);
        assertThat(registry.get("vectorstore.recall.samples").counter().count()).isEqualTo(2);
    }
}
