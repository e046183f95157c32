package io.amprenta.vectorstore.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.observe.ObservedVectorStore;
import io.amprenta.vectorstore.observe.Operation;
import io.amprenta.vectorstore.observe.OperationEvent;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/** What Spring AI's suite does not check: the Pinecone layout, score conventions per metric, filters, observations. */
@ExtendWith(PostgresExtension.class)
class SpringAiVectorStoreIT {

    private static final List<Document> DOCUMENTS = List.of(
            new Document("d1", "Rain is expected tomorrow afternoon.", Map.of("country", "BG", "year", 2021, "tags", List.of("weather"))),
            new Document("d2", "Quarterly revenue grew by twelve percent.", Map.of("country", "NL", "year", 2019, "draft", true)),
            new Document("d3", "A storm with heavy rain reaches the coast.", Map.of("country", "BG", "year", 2024)));

    @Test
    void writesSpringAisPineconeLayoutAndReportsScoreAndDistanceAsItsPineconeStoreDoes(TestDatabase db) {
        try (VectorStore store = Backends.pgvector(db, "spring_ai_layout", DistanceMetric.COSINE)) {
            TestObservationRegistry observations = TestObservationRegistry.create();
            SpringAiVectorStore vectorStore = SpringAiVectorStore.builder(store, MiniLmEmbeddingModel.get())
                    .observationRegistry(observations).build();
            vectorStore.add(DOCUMENTS);

            assertThat(store.fetch(List.of("d2")).get("d2").metadata()).isEqualTo(Map.of(
                    "country", "NL", "year", 2019.0, "draft", true,
                    "document_content", "Quarterly revenue grew by twelve percent."));

            List<Document> found = vectorStore.similaritySearch(SearchRequest.builder().query("Will it rain?").topK(3)
                    .filterExpression("country == 'BG' && year >= 2020").build());
            assertThat(found).extracting(Document::getId).containsExactlyInAnyOrder("d1", "d3");
            Document best = found.get(0);
            double cosine = DistanceMetric.COSINE.score(MiniLmEmbeddingModel.get().embed("Will it rain?"),
                    MiniLmEmbeddingModel.get().embed(best.getText()));
            assertThat(best.getScore()).isCloseTo(cosine, org.assertj.core.data.Offset.offset(1e-5));
            assertThat((Double) best.getMetadata().get("distance")).isCloseTo(1 - cosine, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(best.getMetadata()).doesNotContainKey("document_content").containsEntry("country", "BG");

            double threshold = found.get(1).getScore() + 1e-6;
            assertThat(vectorStore.similaritySearch(SearchRequest.builder().query("Will it rain?").topK(3)
                    .similarityThreshold(threshold).build())).extracting(Document::getId).containsExactly(best.getId());

            TestObservationRegistryAssert.assertThat(observations).hasObservationWithNameEqualTo("db.vector.client.operation")
                    .that().hasLowCardinalityKeyValue("db.system", "pg_vector");
        }
    }

    @Test
    void scoresMeanTheSameOnAEuclideanStore(TestDatabase db) {
        try (VectorStore cosine = Backends.pgvector(db, "spring_ai_cosine", DistanceMetric.COSINE);
             VectorStore euclidean = Backends.pgvector(db, "spring_ai_euclidean", DistanceMetric.EUCLIDEAN)) {
            SpringAiVectorStore a = SpringAiVectorStore.builder(cosine, MiniLmEmbeddingModel.get()).build();
            SpringAiVectorStore b = SpringAiVectorStore.builder(euclidean, MiniLmEmbeddingModel.get()).build();
            a.add(DOCUMENTS);
            b.add(DOCUMENTS);
            SearchRequest request = SearchRequest.builder().query("heavy rain").topK(3).build();
            List<Document> fromCosine = a.similaritySearch(request);
            List<Document> fromEuclidean = b.similaritySearch(request);
            assertThat(fromEuclidean).extracting(Document::getId).isEqualTo(fromCosine.stream().map(Document::getId).toList());
            for (int i = 0; i < fromCosine.size(); i++) {
                // MiniLM's embeddings are unit length, so 1 - d²/2 is the cosine similarity.
                assertThat(fromEuclidean.get(i).getScore()).isCloseTo(fromCosine.get(i).getScore(), org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void theSimilarityThresholdIsAppliedByTheStoreInEachMetricsDirection() {
        for (DistanceMetric metric : DistanceMetric.values()) {
            List<OperationEvent> events = new CopyOnWriteArrayList<>();
            try (VectorStore memory = VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_METRIC", metric.configName(),
                    "MEMORY_DIMENSION", String.valueOf(MiniLmEmbeddingModel.DIMENSION)))) {
                SpringAiVectorStore vectorStore = SpringAiVectorStore.builder(ObservedVectorStore.wrap(memory, events::add),
                        MiniLmEmbeddingModel.get()).build();
                vectorStore.add(DOCUMENTS);
                List<Document> all = vectorStore.similaritySearch(SearchRequest.builder().query("heavy rain").topK(3).build());
                assertThat(all).hasSize(3);

                // The second best score exactly: two pass, and only those two leave the store.
                events.clear();
                List<Document> passing = vectorStore.similaritySearch(SearchRequest.builder().query("heavy rain").topK(3)
                        .similarityThreshold(all.get(1).getScore()).build());
                assertThat(passing).as(metric.configName()).extracting(Document::getId)
                        .containsExactly(all.get(0).getId(), all.get(1).getId());
                assertThat(events).filteredOn(event -> event.operation() == Operation.QUERY).singleElement()
                        .as(metric.configName() + ": rows the store returned").extracting(OperationEvent::rows).isEqualTo(2);
            }
        }
    }

    @Test
    void metadataPineconeCannotHoldIsRefusedNamingTheDocumentAndKey() {
        try (VectorStore store = Backends.memory()) {
            SpringAiVectorStore vectorStore = SpringAiVectorStore.builder(store, MiniLmEmbeddingModel.get()).build();
            assertThatThrownBy(() -> vectorStore.add(List.of(new Document("bad-1", "text", Map.of("nested", Map.of("a", 1))))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("bad-1").hasMessageContaining("nested");
            assertThatThrownBy(() -> vectorStore.add(List.of(new Document("bad-2", "text", Map.of("document_content", "x")))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-2").hasMessageContaining("contentField");
            assertThat(store.stats().totalCount()).isZero();
        }
    }
}
