package io.amprenta.vectorstore.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.observe.ObservedVectorStore;
import io.amprenta.vectorstore.observe.Operation;
import io.amprenta.vectorstore.observe.OperationEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code minScore} is the store's score threshold on cosine stores, so only the matches that pass leave the store;
 * on other metrics the relevance (cosine of the vectors, whatever their length) decides in the adapter.
 */
class MinScoreTest {

    private static final List<Embedding> EMBEDDINGS = List.of(Embedding.from(new float[] {1, 0}),
            Embedding.from(new float[] {0.8f, 0.6f}), Embedding.from(new float[] {0, 1}), Embedding.from(new float[] {-1, 0}));
    private static final Embedding QUERY = Embedding.from(new float[] {2, 0});

    @Test
    void onACosineStoreTheStoreKeepsOnlyTheMatchesThatPass() {
        List<OperationEvent> events = new CopyOnWriteArrayList<>();
        try (VectorStore memory = memory(DistanceMetric.COSINE)) {
            VectorStoreEmbeddingStore store = VectorStoreEmbeddingStore.builder(ObservedVectorStore.wrap(memory, events::add)).build();
            store.addAll(EMBEDDINGS);
            List<EmbeddingMatch<TextSegment>> all = search(store, 0);
            assertThat(all).hasSize(4);
            assertThat(all.get(1).score()).isCloseTo(0.9, within(1e-6));

            events.clear();
            // The second relevance exactly: it passes, and the two worse matches never leave the store.
            assertThat(search(store, all.get(1).score())).extracting(EmbeddingMatch::embeddingId)
                    .containsExactly(all.get(0).embeddingId(), all.get(1).embeddingId());
            assertThat(events).filteredOn(event -> event.operation() == Operation.QUERY).singleElement()
                    .extracting(OperationEvent::rows).isEqualTo(2);
        }
    }

    @Test
    void onADotproductStoreTheRelevanceOfVectorsOfAnyLengthDecides() {
        try (VectorStore memory = memory(DistanceMetric.DOTPRODUCT)) {
            VectorStoreEmbeddingStore store = VectorStoreEmbeddingStore.builder(memory).build();
            // Short vectors: their dot products are small, their cosine relevance high. A threshold on the dot product
            // would drop them.
            store.addAll(List.of(Embedding.from(new float[] {0.01f, 0}), Embedding.from(new float[] {0, 0.01f})));
            assertThat(search(store, 0.99)).singleElement().satisfies(match -> assertThat(match.score()).isCloseTo(1, within(1e-6)));
        }
    }

    private static List<EmbeddingMatch<TextSegment>> search(VectorStoreEmbeddingStore store, double minScore) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(QUERY).maxResults(4).minScore(minScore).build())
                .matches();
    }

    private static VectorStore memory(DistanceMetric metric) {
        return VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", "2", "MEMORY_METRIC", metric.configName()));
    }
}
