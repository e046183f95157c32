package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStoreException;
import io.grpc.StatusRuntimeException;
import io.pinecone.configs.PineconeConfig;
import io.pinecone.configs.PineconeConnection;
import io.pinecone.exceptions.PineconeException;
import io.pinecone.proto.VectorServiceGrpc.VectorServiceBlockingStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one gRPC connection of a store to its index host, made with the client's own
 * {@link PineconeConnection} (so the channel, TLS and {@code Api-Key} header are the client's), and the
 * policy every call follows: a deadline per request, failures mapped by {@link PineconeErrors}, retryable
 * ones retried by the {@link RetryPolicy}. The connection is opened once and shared by all threads.
 */
final class DataPlane implements AutoCloseable {

    /** Identifies the library in Pinecone's user agent. */
    static final String SOURCE_TAG = "amprenta_vectorstore";

    private final PineconeConfig config;
    private final PineconeConnection connection;
    private final VectorServiceBlockingStub stub;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final PineconeErrors errors;

    private DataPlane(PineconeConfig config, PineconeConnection connection, Duration timeout, RetryPolicy retry,
                      PineconeErrors errors) {
        this.config = config;
        this.connection = connection;
        this.stub = connection.getBlockingStub();
        this.timeout = timeout;
        this.retry = retry;
        this.errors = errors;
    }

    /**
     * Opens the channel to {@code host} ({@code host[:port]}, no scheme). The client's {@code Pinecone}
     * builder cannot do this: its {@code withHost} sets the control-plane host, so the connection is built
     * from a {@link PineconeConfig} directly, as the client documents for a known index host.
     */
    static DataPlane open(PineconeSettings settings, String host, RetryPolicy retry, PineconeErrors errors) {
        PineconeConfig config = new PineconeConfig(settings.apiKey(), SOURCE_TAG);
        config.setHost(host);
        config.setTLSEnabled(settings.tls());
        try {
            return new DataPlane(config, new PineconeConnection(config), settings.requestTimeout(), retry, errors);
        } catch (PineconeException e) {
            throw new VectorStoreException(ErrorCode.BACKEND_ERROR, "Could not open a gRPC channel to Pinecone index "
                    + settings.indexLabel() + " at " + host + ": " + errors.quote(String.valueOf(e.getMessage())) + ".", e);
        }
    }

    /** Runs {@code rpc} with a deadline, retrying retryable failures; {@code operation} names it in messages. */
    <T> T call(String operation, Function<VectorServiceBlockingStub, T> rpc) {
        return call(operation, rpc, failure -> false);
    }

    /**
     * Like {@link #call(String, Function)}, but a failure that {@code success} accepts means the call
     * achieved its purpose (e.g. deleting from a namespace that holds nothing): it returns null.
     */
    <T> T call(String operation, Function<VectorServiceBlockingStub, T> rpc, Predicate<StatusRuntimeException> success) {
        return retry.execute("pinecone " + operation, () -> once(operation, rpc, success));
    }

    /** One attempt, without retrying: for health probes, which must answer promptly. */
    <T> T callOnce(String operation, Function<VectorServiceBlockingStub, T> rpc) {
        return once(operation, rpc, failure -> false);
    }

    private <T> T once(String operation, Function<VectorServiceBlockingStub, T> rpc, Predicate<StatusRuntimeException> success) {
        try {
            return rpc.apply(stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException failure) {
            if (success.test(failure)) {
                return null;
            }
            throw errors.fromGrpc(operation, failure);
        }
    }

    PineconeConfig config() {
        return config;
    }

    PineconeConnection connection() {
        return connection;
    }

    /** Shuts the channel down (waiting a few seconds for in-flight calls). */
    @Override
    public void close() {
        connection.close();
    }
}
