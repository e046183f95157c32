package io.amprenta.vectorstore.testkit.pinecone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The part of Pinecone's control plane that clients need to find an index: {@code GET /indexes/{name}}
 * ({@code describe_index}), answering with the index's JSON description (host, dimension, metric,
 * serverless spec, ready status), 404 for another name and 401 for a missing or wrong {@code Api-Key}.
 */
final class ControlPlaneServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/indexes/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final EmulatedIndex index;
    private final String indexName;
    private final String indexHost;
    private final ApiKeyInterceptor keys;

    ControlPlaneServer(int port, EmulatedIndex index, String indexName, String indexHost, ApiKeyInterceptor keys) throws IOException {
        this.index = index;
        this.indexName = indexName;
        this.indexHost = indexHost;
        this.keys = keys;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "pinecone-emulator-control-plane");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!keys.accepts(exchange.getRequestHeaders().getFirst("Api-Key"))) {
                send(exchange, 401, error("UNAUTHENTICATED", "Invalid API Key", 401));
            } else if (!"GET".equals(exchange.getRequestMethod()) || !path.startsWith(PATH)) {
                send(exchange, 404, error("NOT_FOUND", "The emulator serves GET " + PATH + "{name} only.", 404));
            } else {
                String name = URLDecoder.decode(path.substring(PATH.length()), StandardCharsets.UTF_8);
                if (name.equals(indexName)) {
                    send(exchange, 200, describe());
                } else {
                    send(exchange, 404, error("NOT_FOUND", "Resource " + name + " not found", 404));
                }
            }
        }
    }

    private ObjectNode describe() {
        ObjectNode body = JSON.createObjectNode()
                .put("name", indexName)
                .put("dimension", index.dimension())
                .put("metric", index.metric().configName())
                .put("host", indexHost)
                .put("deletion_protection", "disabled")
                .put("vector_type", "dense");
        ObjectNode readCapacity = JSON.createObjectNode().put("mode", "OnDemand");
        readCapacity.putObject("status").put("state", "Ready");
        ObjectNode serverless = body.putObject("spec").putObject("serverless").put("cloud", "aws").put("region", "us-east-1");
        serverless.set("read_capacity", readCapacity);
        body.putObject("status").put("ready", true).put("state", "Ready");
        return body;
    }

    private static ObjectNode error(String code, String message, int status) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body.put("status", status);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
