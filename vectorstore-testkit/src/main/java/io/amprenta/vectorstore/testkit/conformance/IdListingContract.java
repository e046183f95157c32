package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Listing ids page by page, with a prefix and an opaque cursor, yields every id exactly once. */
public interface IdListingContract extends StoreFixture {

    private static List<VectorRecord> records(String prefix, int count) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(VectorRecord.of(String.format("%s%04d", prefix, i), TestData.unit(DIMENSION, i % DIMENSION)));
        }
        return records;
    }

    private static List<String> ids(List<VectorRecord> records) {
        return records.stream().map(VectorRecord::id).toList();
    }

    @Test
    default void pagesCoverEveryIdExactlyOnce() {
        VectorStore store = newStore();
        List<VectorRecord> records = records("doc#", 250);
        store.upsert(records);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Optional<IdPageRequest> next = Optional.of(IdPageRequest.first(100));
        while (next.isPresent()) {
            IdPage page = store.listIds(next.get());
            seen.addAll(page.ids());
            pageSizes.add(page.ids().size());
            next = page.next();
        }

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(records));
        assertThat(pageSizes).hasSizeGreaterThanOrEqualTo(3).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(100));
    }

    @Test
    default void aPrefixSelectsOnlyMatchingIds() {
        VectorStore store = newStore();
        store.upsert(records("alpha#", 30));
        store.upsert(records("beta#", 20));
        store.upsert(List.of(VectorRecord.of("alph", TestData.unit(DIMENSION, 0))));

        assertThat(store.streamIds("alpha#").toList()).hasSize(30).allSatisfy(id -> assertThat(id).startsWith("alpha#"));
        assertThat(store.streamIds("beta#").toList()).containsExactlyInAnyOrderElementsOf(ids(records("beta#", 20)));
        assertThat(store.streamIds("gamma").toList()).isEmpty();

        IdPage firstPage = store.listIds(IdPageRequest.first(7).withPrefix("beta#"));
        assertThat(firstPage.ids()).hasSize(7);
        assertThat(firstPage.hasMore()).isTrue();
    }

    @Test
    default void theLimitIsRespectedAndTheLastPageSaysSo() {
        VectorStore store = newStore();
        store.upsert(records("p", 10));

        IdPage exact = store.listIds(IdPageRequest.first(10));
        IdPage larger = store.listIds(IdPageRequest.first(50));
        IdPage one = store.listIds(IdPageRequest.first(1));

        assertThat(exact.ids()).hasSize(10);
        assertThat(exact.next().map(request -> store.listIds(request).ids()).orElse(List.of())).isEmpty();
        assertThat(larger.ids()).hasSize(10);
        assertThat(larger.hasMore()).isFalse();
        assertThat(one.ids()).hasSize(1);
        assertThat(one.hasMore()).isTrue();
    }

    @Test
    default void anEmptyNamespaceHasOneEmptyPage() {
        VectorStore store = newStore();

        IdPage page = store.listIds(IdPageRequest.all());

        assertThat(page.ids()).isEmpty();
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    default void idsWithAwkwardCharactersAreListedAndFetched() {
        VectorStore store = newStore();
        List<String> awkward = List.of("with space", "quote'd", "dq\"", "back\\slash", "percent%_", "ünïcode", "emoji😀",
                "semi;colon", "new\nline", "a".repeat(512));
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < awkward.size(); i++) {
            records.add(VectorRecord.of(awkward.get(i), TestData.unit(DIMENSION, i % DIMENSION)));
        }
        store.upsert(records);

        assertThat(store.streamIds("").toList()).containsExactlyInAnyOrderElementsOf(awkward);
        assertThat(store.streamIds("percent%").toList()).containsExactly("percent%_");
        assertThat(store.streamIds("percent_").toList()).isEmpty();
        assertThat(store.fetch(awkward)).hasSize(awkward.size());
    }
}
