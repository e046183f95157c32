package io.amprenta.vectorstore.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the example service as it ships, on memory and on PostgreSQL with pgvector (changed by configuration only),
 * and uses it over HTTP: stores documents, searches them, reads health and metrics.
 */
@ExtendWith(PostgresExtension.class)
class SearchApplicationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void onMemory() throws Exception {
        exercise(List.of(), "memory");
    }

    @Test
    void onPgvector(TestDatabase db) throws Exception {
        // What an operator sets in the environment; here as command-line properties of the same names.
        exercise(List.of("--VECTOR_BACKEND=pgvector", "--DATABASE_URL=" + db.databaseUrl()), "pgvector");
    }

    private void exercise(List<String> configuration, String backend) throws Exception {
        List<String> args = new ArrayList<>(configuration);
        args.add("--server.port=0");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SearchApplication.class)
                .run(args.toArray(String[]::new))) {
            String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();

            assertThat(post(base + "/documents", "{\"id\": \"weather\", \"text\": \"Rain is expected tomorrow afternoon.\","
                    + " \"metadata\": {\"topic\": \"news\"}}").statusCode()).isEqualTo(201);
            assertThat(post(base + "/documents", "{\"id\": \"soup\", \"text\": \"A recipe for lentil soup with cumin.\","
                    + " \"metadata\": {\"topic\": \"food\"}}").statusCode()).isEqualTo(201);
            assertThat(post(base + "/documents", "{\"text\": \"   \"}").statusCode()).isEqualTo(400);

            JsonNode hits = get(base + "/search?q=Will%20it%20rain%3F&k=2");
            assertThat(hits).hasSize(2);
            assertThat(hits.get(0).get("id").asText()).isEqualTo("weather");
            assertThat(hits.get(0).get("text").asText()).isEqualTo("Rain is expected tomorrow afternoon.");
            assertThat(hits.get(0).get("metadata").get("topic").asText()).isEqualTo("news");
            assertThat(hits.get(0).get("score").asDouble()).isBetween(0.5, 1.0);
            assertThat(get(base + "/search?q=Will%20it%20rain%3F&key=topic&value=food").findValuesAsText("id")).containsExactly("soup");

            JsonNode health = get(base + "/actuator/health");
            assertThat(health.get("status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/vectorStore/details/backend").asText()).isEqualTo(backend);

            JsonNode metrics = get(base + "/actuator/metrics/vectorstore.operation?tag=operation:query");
            assertThat(metrics.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(2);
        }
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
