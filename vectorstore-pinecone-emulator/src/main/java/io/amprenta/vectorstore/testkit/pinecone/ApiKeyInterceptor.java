package io.amprenta.vectorstore.testkit.pinecone;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Refuses data-plane calls whose {@code Api-Key} header is missing or wrong with {@code UNAUTHENTICATED},
 * as Pinecone does, before the call reaches the service (so it neither counts for faults nor is recorded).
 */
final class ApiKeyInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    ApiKeyInterceptor(String expectedKey) {
        this.expected = expectedKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code presented} is the expected key, compared in constant time. */
    boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (accepts(headers.get(API_KEY))) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("Invalid API Key"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
