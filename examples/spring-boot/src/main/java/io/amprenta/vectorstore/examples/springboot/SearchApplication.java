package io.amprenta.vectorstore.examples.springboot;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A semantic-search service on the starter: {@code POST /documents} stores texts, {@code GET /search?q=...} finds the
 * nearest ones, {@code /actuator/health} includes the store's canary search and {@code /actuator/metrics} its operation
 * metrics. The store comes from configuration alone ({@code application.yml}, overridden by {@code VECTOR_BACKEND}
 * and the library's other keys from the environment), so the same jar runs on memory, pgvector or Pinecone:
 *
 * <pre>
 * java -jar examples/spring-boot/target/vectorstore-spring-boot-example-*-exec.jar                # memory
 * VECTOR_BACKEND=pgvector DATABASE_URL=postgresql://app:secret@localhost/app java -jar ...     # pgvector
 * </pre>
 */
@SpringBootApplication
public class SearchApplication {

    public static void main(String[] args) {
        SpringApplication.run(SearchApplication.class, args);
    }

    /** Embeddings computed in process by all-MiniLM-L6-v2 (384 dimensions), which ships inside its jar. */
    @Bean
    EmbeddingModel embeddingModel() {
        return new AllMiniLmL6V2QuantizedEmbeddingModel();
    }
}
