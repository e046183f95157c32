package io.amprenta.vectorstore.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny search service on the JDK's HTTP server: {@code POST /search} with
 * {@code {"vector": [...], "topK": 5, "filter": {...}}} returns the matches, {@code GET /health} returns the
 * canary report (HTTP 200 when the store answers, 503 when not). The backend comes from
 * {@code VECTOR_BACKEND}, so moving the service from Pinecone to pgvector, and back, is a restart with
 * another environment.
 *
 * <pre>VECTOR_BACKEND=memory scripts/run-example SearchServiceExample 8080</pre>
 */
public final class SearchServiceExample implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final VectorStore store;
    private final HttpServer server;

    private SearchServiceExample(VectorStore store, int port) throws IOException {
        this.store = store;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/search", this::search);
        server.createContext("/health", this::health);
        server.setExecutor(Executors.newFixedThreadPool(4));
    }

    /** Starts the service on {@code port} (0 for any free port) over {@code store}. */
    public static SearchServiceExample start(VectorStore store, int port) throws IOException {
        SearchServiceExample service = new SearchServiceExample(store, port);
        service.server.start();
        return service;
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        SearchServiceExample service = start(VectorStores.get(), port);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close));
        System.out.println("Serving " + service.store.backend() + " on http://127.0.0.1:" + service.port() + " (/search, /health)");
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void search(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "POST a JSON body: {\"vector\": [...], \"topK\": 5, \"filter\": {...}}"));
            return;
        }
        try (InputStream body = exchange.getRequestBody()) {
            JsonNode request = JSON.readTree(body);
            JsonNode vectorNode = request.path("vector");
            float[] vector = new float[vectorNode.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) vectorNode.get(i).asDouble();
            }
            Query.Builder query = Query.builder(vector).topK(request.path("topK").asInt(Query.DEFAULT_TOP_K));
            if (request.has("filter")) {
                query.filter(Filter.fromJson(request.get("filter").toString()));
            }
            List<Match> matches = store.query(query.build());
            respond(exchange, 200, Map.of("backend", store.backend(), "matches", matches.stream().map(match -> Map.of(
                    "id", match.id(), "score", match.score(), "metadata", match.metadata())).toList()));
        } catch (VectorStoreException e) {
            respond(exchange, e.isRetryable() ? 503 : 400, Map.of("error", e.getMessage(), "code", e.code().anchor()));
        } catch (IOException | RuntimeException e) {
            respond(exchange, 400, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        HealthReport report = store.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.status().name());
        body.put("backend", report.backend());
        body.put("latencyMillis", report.latency().toMillis());
        body.put("message", report.message());
        body.put("details", report.details());
        respond(exchange, report.isUsable() ? 200 : 503, body);
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        store.close();
    }
}
