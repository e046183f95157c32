package io.amprenta.vectorstore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SearchServiceExampleTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private SearchServiceExample service;

    @BeforeEach
    void start() throws Exception {
        VectorStore store = VectorStores.get(Map.of("VECTOR_BACKEND", "memory"));
        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0}, Map.of("lang", "en")),
                VectorRecord.of("b", new float[] {0, 1}, Map.of("lang", "de"))));
        service = SearchServiceExample.start(store, 0);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/search"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void searchReturnsFilteredMatches() throws Exception {
        HttpResponse<String> response = post("{\"vector\": [1, 0], \"topK\": 5, \"filter\": {\"lang\": \"de\"}}");

        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.get("backend").asText()).isEqualTo("memory");
        assertThat(body.get("matches")).hasSize(1);
        assertThat(body.get("matches").get(0).get("id").asText()).isEqualTo("b");
    }

    @Test
    void aBadRequestIsA400WithTheErrorCode() throws Exception {
        HttpResponse<String> response = post("{\"vector\": [1, 0, 0]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(response.body()).get("code").asText()).isEqualTo("dimension-mismatch");
    }

    @Test
    void healthIs200WhileTheStoreAnswers() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).get("status").asText()).isEqualTo("UP");
    }
}
