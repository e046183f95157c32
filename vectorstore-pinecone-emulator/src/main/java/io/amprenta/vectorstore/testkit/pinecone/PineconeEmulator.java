package io.amprenta.vectorstore.testkit.pinecone;

import com.google.protobuf.Struct;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Pinecone serverless index in-process, for tests and demos: the client's own gRPC
 * {@code VectorService} (upsert, query, fetch, list, delete, describe_index_stats) on a Netty server on a
 * loopback port, so the real {@code pinecone-client} talks to it over a real channel, plus the control
 * plane's {@code describe_index} on another loopback port, so that finding an index by name is exercised.
 *
 * <pre>{@code
 * try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(384).metric(DistanceMetric.COSINE)
 *         .indexName("demo").start()) {
 *     emulator.load("", records);                          // seed without gRPC
 *     try (VectorStore store = VectorStores.get(emulator.config())) { ... }
 *     emulator.faults().rateLimitNext(3);                   // the next three calls get a 429
 * }
 * }</pre>
 *
 * <p>Search is exact for all three metrics, with Pinecone's scores; filters are evaluated by the reference
 * evaluator ({@link io.amprenta.vectorstore.filter.Filter#test}). Pinecone's request limits are enforced
 * with {@code INVALID_ARGUMENT}: at most 1000 vectors and 2 MB per upsert, 1000 ids per fetch or delete,
 * 100 ids per list page, top-k up to 10,000, 4 MB per query result, 512-character ids, 40 KB of metadata,
 * finite values and no all-zero vectors. Writes are visible to the next read (real Pinecone is eventually
 * consistent). Every call must carry the API key ({@link #apiKey()}); a wrong one gets
 * {@code UNAUTHENTICATED}. {@link #faults()} injects throttling, quota exhaustion, unavailability and
 * latency. Records are kept as {@code float[]} in memory.
 */
public final class PineconeEmulator implements AutoCloseable {

    /** The default API key the emulator accepts. */
    public static final String DEFAULT_API_KEY = "pinecone-emulator-key";

    private static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;
    private static final int MAX_RECORDED_REQUESTS = 100_000;

    private final EmulatedIndex index;
    private final PineconeFaults faults;
    private final String indexName;
    private final String apiKey;
    private final Deque<RecordedRequest> requests = new ArrayDeque<>();
    private final Server server;
    private final ControlPlaneServer controlPlane;
    private final String indexHost;

    private PineconeEmulator(Builder builder) throws IOException {
        this.index = new EmulatedIndex(builder.dimension, builder.metric);
        this.faults = new PineconeFaults(builder.seed);
        this.indexName = builder.indexName;
        this.apiKey = builder.apiKey;
        ApiKeyInterceptor keys = new ApiKeyInterceptor(apiKey);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        EmulatedVectorService service = new EmulatedVectorService(index, faults, this::record);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, builder.port))
                // Larger than any request a client may send, so that oversized upserts get Pinecone's
                // INVALID_ARGUMENT rather than gRPC's own RESOURCE_EXHAUSTED.
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .addService(ServerInterceptors.intercept(service, keys))
                .build()
                .start();
        String address = loopback instanceof Inet6Address ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
        this.indexHost = address + ":" + server.getPort();
        try {
            this.controlPlane = new ControlPlaneServer(builder.controlPlanePort, index, indexName, indexHost, keys);
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            throw e;
        }
    }

    /** Starts configuring an emulator: dimension 8, cosine, index {@code emulated-index}, ephemeral ports. */
    public static Builder builder() {
        return new Builder();
    }

    /** The data-plane (gRPC) port. */
    public int port() {
        return server.getPort();
    }

    /** The control-plane (HTTP) port. */
    public int controlPlanePort() {
        return controlPlane.port();
    }

    /** The index host, as {@code describe_index} reports it and {@code PINECONE_INDEX_HOST} takes it: {@code 127.0.0.1:PORT}. */
    public String indexHost() {
        return indexHost;
    }

    /** The control plane's base URL, for {@code PINECONE_CONTROL_PLANE_URL}: {@code http://127.0.0.1:PORT}. */
    public String controlPlaneUrl() {
        String host = indexHost.substring(0, indexHost.lastIndexOf(':'));
        return "http://" + host + ":" + controlPlane.port();
    }

    /** The index's name. */
    public String indexName() {
        return indexName;
    }

    /** The API key every call must carry. */
    public String apiKey() {
        return apiKey;
    }

    /** The index's dimension. */
    public int dimension() {
        return index.dimension();
    }

    /** The index's metric. */
    public DistanceMetric metric() {
        return index.metric();
    }

    /**
     * The configuration that makes {@code VectorStores.get(config)} use this index, found by name through
     * the emulated control plane: {@code VECTOR_BACKEND}, {@code PINECONE_API_KEY},
     * {@code PINECONE_INDEX_NAME}, {@code PINECONE_CONTROL_PLANE_URL} and {@code PINECONE_TLS=false}.
     */
    public Map<String, String> config() {
        Map<String, String> config = baseConfig();
        config.put("PINECONE_INDEX_NAME", indexName);
        config.put("PINECONE_CONTROL_PLANE_URL", controlPlaneUrl());
        return config;
    }

    /** Like {@link #config()} but naming the host ({@code PINECONE_INDEX_HOST}), which skips the control plane. */
    public Map<String, String> hostConfig() {
        Map<String, String> config = baseConfig();
        config.put("PINECONE_INDEX_HOST", indexHost);
        return config;
    }

    private Map<String, String> baseConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("VECTOR_BACKEND", "pinecone");
        config.put("PINECONE_API_KEY", apiKey);
        config.put("PINECONE_TLS", "false");
        return config;
    }

    /** The fault switches, effective immediately for the next calls. */
    public PineconeFaults faults() {
        return faults;
    }

    /**
     * Stores records in {@code namespace} directly, without gRPC or Pinecone's request limits, for seeding
     * large data sets quickly. Records must have the index's dimension.
     */
    public void load(String namespace, Iterable<VectorRecord> records) {
        index.load(EmulatedVectorService.namespaceOf(namespace), records);
    }

    /**
     * Stores one record whose metadata lies outside Pinecone's model (a nested object, a list of numbers), as data
     * written by other means can hold, for testing how clients cope with it. A fetch returns the metadata as given;
     * filters and {@link #records} see the record without metadata.
     */
    public void loadWithRawMetadata(String namespace, String id, float[] values, Struct metadata) {
        index.loadRaw(EmulatedVectorService.namespaceOf(namespace), id, values, metadata);
    }

    /** Every record of {@code namespace}, in id (code point) order, for verifying what a client wrote. */
    public List<VectorRecord> records(String namespace) {
        return index.records(EmulatedVectorService.namespaceOf(namespace));
    }

    /** Records per namespace ({@code ""} for the default), for namespaces that hold any. */
    public Map<String, Long> namespaceCounts() {
        Map<String, Long> counts = new TreeMap<>();
        index.counts().forEach((namespace, count) -> counts.put(namespace, count.longValue()));
        return counts;
    }

    /**
     * The data-plane requests received so far (the most recent {@value #MAX_RECORDED_REQUESTS}), oldest
     * first, excluding those refused by a fault or a wrong key.
     */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    private void record(RecordedRequest request) {
        synchronized (requests) {
            if (requests.size() == MAX_RECORDED_REQUESTS) {
                requests.removeFirst();
            }
            requests.addLast(request);
        }
    }

    /** Stops both servers; in-flight calls are cancelled. Idempotent. */
    @Override
    public void close() {
        controlPlane.close();
        server.shutdownNow();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PineconeEmulator[index=" + indexName + ", host=" + indexHost + ", controlPlane=" + controlPlaneUrl()
                + ", dimension=" + index.dimension() + ", metric=" + index.metric().configName() + "]";
    }

    /** Configures a {@link PineconeEmulator}; {@link #start()} binds the ports. */
    public static final class Builder {
        private int dimension = 8;
        private DistanceMetric metric = DistanceMetric.COSINE;
        private String indexName = "emulated-index";
        private String apiKey = DEFAULT_API_KEY;
        private int port;
        private int controlPlanePort;
        private long seed = 42;

        private Builder() {
        }

        /** The index's dimension, 1 to 20,000 (default 8). */
        public Builder dimension(int dimension) {
            if (dimension < 1 || dimension > 20_000) {
                throw new IllegalArgumentException("dimension must be between 1 and 20000, but is " + dimension);
            }
            this.dimension = dimension;
            return this;
        }

        /** The index's metric (default cosine). */
        public Builder metric(DistanceMetric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /** The index's name, which {@code describe_index} answers to (default {@code emulated-index}). */
        public Builder indexName(String indexName) {
            if (indexName == null || indexName.isBlank()) {
                throw new IllegalArgumentException("indexName must not be blank");
            }
            this.indexName = indexName;
            return this;
        }

        /** The API key calls must carry (default {@value #DEFAULT_API_KEY}). */
        public Builder apiKey(String apiKey) {
            if (apiKey == null || apiKey.isEmpty()) {
                throw new IllegalArgumentException("apiKey must not be empty");
            }
            this.apiKey = apiKey;
            return this;
        }

        /** The data-plane port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = requirePort("port", port);
            return this;
        }

        /** The control-plane port; 0 (default) picks a free one. */
        public Builder controlPlanePort(int controlPlanePort) {
            this.controlPlanePort = requirePort("controlPlanePort", controlPlanePort);
            return this;
        }

        /** The seed of the random source behind {@link PineconeFaults#rateLimitFraction} (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Starts the emulator on loopback ports. */
        public PineconeEmulator start() {
            try {
                return new PineconeEmulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("the Pinecone emulator could not bind its ports", e);
            }
        }

        private static int requirePort(String name, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be between 0 and 65535, but is " + port);
            }
            return port;
        }
    }
}
