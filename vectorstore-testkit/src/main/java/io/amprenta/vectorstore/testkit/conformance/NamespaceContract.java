package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Namespaces are isolated: the same id may live in two, and no operation crosses from one to another. */
public interface NamespaceContract extends StoreFixture {

    @Test
    default void theSameIdLivesIndependentlyInTwoNamespaces() {
        VectorStore store = newStore();
        VectorStore other = store.inNamespace("tenant-b");
        store.upsert(List.of(VectorRecord.of("shared", TestData.unit(DIMENSION, 0), Map.of("owner", "a"))));
        other.upsert(List.of(VectorRecord.of("shared", TestData.unit(DIMENSION, 1), Map.of("owner", "b"))));

        assertThat(store.fetch(List.of("shared")).get("shared").metadata()).isEqualTo(Map.of("owner", "a"));
        assertThat(other.fetch(List.of("shared")).get("shared").metadata()).isEqualTo(Map.of("owner", "b"));
        assertThat(other.namespace()).isEqualTo("tenant-b");
        assertThat(store.namespace()).isEmpty();
    }

    @Test
    default void queriesAndListingsSeeOnlyTheirNamespace() {
        VectorStore store = newStore();
        VectorStore other = store.inNamespace("other");
        store.upsert(List.of(VectorRecord.of("a1", TestData.unit(DIMENSION, 0)), VectorRecord.of("a2", TestData.unit(DIMENSION, 1))));
        other.upsert(List.of(VectorRecord.of("b1", TestData.unit(DIMENSION, 0))));

        assertThat(StoreFixture.ids(store.query(StoreFixture.everything(TestData.unit(DIMENSION, 0), 10))))
                .containsExactlyInAnyOrder("a1", "a2");
        assertThat(StoreFixture.ids(other.query(StoreFixture.everything(TestData.unit(DIMENSION, 0), 10)))).containsExactly("b1");
        assertThat(store.streamIds("").toList()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(other.streamIds("").toList()).containsExactly("b1");
        assertThat(other.fetch(List.of("a1"))).isEmpty();
    }

    @Test
    default void deletesStayInTheirNamespace() {
        VectorStore store = newStore();
        VectorStore other = store.inNamespace("other");
        List<VectorRecord> records = List.of(
                VectorRecord.of("k1", TestData.unit(DIMENSION, 0), Map.of("g", "x")),
                VectorRecord.of("k2", TestData.unit(DIMENSION, 1), Map.of("g", "y")));
        store.upsert(records);
        other.upsert(records);

        other.delete(List.of("k1"));
        other.deleteByFilter(Filter.eq("g", "y"));
        assertThat(store.fetch(List.of("k1", "k2"))).hasSize(2);

        other.upsert(records);
        other.deleteAll();
        assertThat(store.fetch(List.of("k1", "k2"))).hasSize(2);
        assertThat(other.fetch(List.of("k1", "k2"))).isEmpty();
    }

    @Test
    default void statsCountEveryNamespace() {
        VectorStore store = newStore();
        store.upsert(List.of(VectorRecord.of("1", TestData.unit(DIMENSION, 0)), VectorRecord.of("2", TestData.unit(DIMENSION, 1))));
        store.inNamespace("n2").upsert(List.of(VectorRecord.of("1", TestData.unit(DIMENSION, 0))));

        assertThat(store.stats().namespaceCounts()).containsEntry("", 2L).containsEntry("n2", 1L);
        assertThat(store.stats().totalCount()).isEqualTo(3);
        assertThat(store.inNamespace("n2").stats()).isEqualTo(store.stats());
    }

    @Test
    default void closingAViewLeavesTheStoreOpen() {
        VectorStore store = newStore();
        store.inNamespace("view").close();

        store.upsert(List.of(VectorRecord.of("still-open", TestData.unit(DIMENSION, 0))));
        assertThat(store.fetch(List.of("still-open"))).hasSize(1);
    }
}
