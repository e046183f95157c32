package io.amprenta.vectorstore.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.FaultyStore;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.memory.MemoryVectorStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ObservedVectorStoreTest {

    private final List<OperationEvent> events = new CopyOnWriteArrayList<>();
    private final FaultyStore faulty = new FaultyStore(MemoryVectorStore.builder().dimension(2).build());
    private final VectorStore store = ObservedVectorStore.wrap(faulty, events::add);

    @Test
    void everyOperationIsReportedWithItsRows() {
        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0}), VectorRecord.of("b", new float[] {0, 1})));
        store.query(Query.builder(new float[] {1, 0}).topK(1).build());
        store.fetch(List.of("a", "b", "missing"));
        store.listIds(IdPageRequest.all());
        store.delete(List.of("a"));
        store.deleteByFilter(Filter.eq("x", 1));
        store.deleteAll();
        store.stats();
        store.health();

        assertThat(events).extracting(OperationEvent::operation).containsExactly(Operation.UPSERT, Operation.QUERY,
                Operation.FETCH, Operation.LIST_IDS, Operation.DELETE, Operation.DELETE_BY_FILTER, Operation.DELETE_ALL,
                Operation.STATS, Operation.HEALTH);
        assertThat(events).extracting(OperationEvent::rows).containsExactly(2, 1, 2, 2, 1, 0, 0, 0, 1);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.backend()).isEqualTo("memory");
            assertThat(event.succeeded()).isTrue();
            assertThat(event.outcome()).isEqualTo("none");
            assertThat(event.duration()).isPositive();
        });
    }

    @Test
    void failuresAreReportedWithTheirKindAndStillThrown() {
        faulty.failWrites(true);

        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0})))).isInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("", new float[] {1, 0})))).isInstanceOf(UnavailableException.class);
        faulty.failWrites(false);
        assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of("", new float[] {1, 0})))).hasMessageContaining("empty");

        assertThat(events).extracting(OperationEvent::outcome).containsExactly("retryable", "retryable", "invalid_request");
        assertThat(events.get(0).errorCode()).contains(ErrorCode.UNAVAILABLE);
        assertThat(events.get(2).errorCode()).contains(ErrorCode.INVALID_ID);
    }

    @Test
    void viewsReportTheirNamespaceAndABrokenListenerIsIgnored() {
        VectorStore view = ObservedVectorStore.wrap(faulty, event -> {
            throw new IllegalStateException("listener bug");
        }, events::add).inNamespace("tenant");

        view.upsert(List.of(VectorRecord.of("a", new float[] {1, 0})));

        assertThat(events).singleElement().satisfies(event -> assertThat(event.namespace()).isEqualTo("tenant"));
        assertThat(view.unwrap(ObservedVectorStore.class)).isNotNull();
    }
}
