package io.amprenta.vectorstore.examples.springboot;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import io.amprenta.vectorstore.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The service's REST API over the starter's LangChain4j {@link EmbeddingStore} bean. */
@RestController
class SearchController {

    private final EmbeddingStore<TextSegment> store;
    private final EmbeddingModel model;

    SearchController(EmbeddingStore<TextSegment> store, EmbeddingModel model) {
        this.store = store;
        this.model = model;
    }

    /** A document to store: its text, optional id (a new UUID otherwise) and optional string or number metadata. */
    record NewDocument(String id, String text, Map<String, Object> metadata) {
    }

    /** One search result. */
    record Hit(String id, double score, String text, Map<String, Object> metadata) {
    }

    @PostMapping("/documents")
    ResponseEntity<Map<String, String>> add(@RequestBody NewDocument document) {
        if (document.text() == null || document.text().isBlank()) {
            throw new IllegalArgumentException("The document needs a non-blank \"text\".");
        }
        String id = document.id() == null ? UUID.randomUUID().toString() : document.id();
        TextSegment segment = TextSegment.from(document.text(),
                document.metadata() == null ? new Metadata() : Metadata.from(document.metadata()));
        store.addAll(List.of(id), List.of(model.embed(segment).content()), List.of(segment));
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id));
    }

    /** The {@code k} documents nearest to the text {@code q}, optionally only those whose metadata {@code key} equals {@code value}. */
    @GetMapping("/search")
    List<Hit> search(@RequestParam("q") String query, @RequestParam(name = "k", defaultValue = "5") int k,
                     @RequestParam(name = "minScore", defaultValue = "0") double minScore,
                     @RequestParam(name = "key", required = false) String key,
                     @RequestParam(name = "value", required = false) String value) {
        Embedding embedding = model.embed(query).content();
        EmbeddingSearchRequest.EmbeddingSearchRequestBuilder request = EmbeddingSearchRequest.builder()
                .queryEmbedding(embedding).maxResults(k).minScore(minScore);
        if (key != null && value != null) {
            request.filter(MetadataFilterBuilder.metadataKey(key).isEqualTo(value));
        }
        return store.search(request.build()).matches().stream().map(SearchController::hit).toList();
    }

    private static Hit hit(EmbeddingMatch<TextSegment> match) {
        TextSegment segment = match.embedded();
        return new Hit(match.embeddingId(), match.score(), segment == null ? null : segment.text(),
                segment == null ? Map.of() : segment.metadata().toMap());
    }

    @ExceptionHandler({IllegalArgumentException.class, InvalidRequestException.class})
    ResponseEntity<Map<String, String>> badRequest(RuntimeException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
}
