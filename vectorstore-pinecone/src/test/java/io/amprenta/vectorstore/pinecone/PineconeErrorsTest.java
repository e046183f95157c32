package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.NonRetryableException;
import io.amprenta.vectorstore.QuotaExhaustedException;
import io.amprenta.vectorstore.RateLimitedException;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.testkit.pinecone.PineconeFaults;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pinecone.exceptions.PineconeAuthorizationException;
import io.pinecone.exceptions.PineconeException;
import io.pinecone.exceptions.PineconeInternalServerException;
import io.pinecone.exceptions.PineconeNotFoundException;
import io.pinecone.exceptions.PineconeUnmappedHttpException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openapitools.db_control.client.ApiException;

class PineconeErrorsTest {

    private static final String KEY = "pcsk_FAKE_key_4711";
    private final PineconeErrors errors = new PineconeErrors(KEY, "'docs'");

    private VectorStoreException grpc(Status.Code code, String message) {
        return errors.fromGrpc("query", new StatusRuntimeException(Status.fromCode(code).withDescription(message)));
    }

    @Test
    void throughputLimitsAreRetryableAndMonthlyQuotasAreNot() {
        List<String> throughput = List.of(
                "Request failed. You've reached the query QPS limit for namespace docs (100 QPS). Pace your queries.",
                PineconeFaults.throughputLimitMessage(PineconeOperation.FETCH, "ns"),
                "Request failed. You've reached the max embedding tokens per minute (250000) model 'x'. To increase"
                        + " this limit, upgrade your plan.",
                "Too many requests");
        List<String> monthly = List.of(
                "Request failed. You've reached your read unit limit for the current month limit. To continue reading data, upgrade your plan.",
                "Request failed. You've reached your write unit limit for the current month (2000000). To continue writing data, upgrade your plan.",
                "Request failed. You've reached your egress limit for the current month (1000000000 bytes).",
                PineconeFaults.monthlyQuotaMessage(PineconeOperation.UPSERT));

        throughput.forEach(message -> assertThat(grpc(Status.Code.RESOURCE_EXHAUSTED, message))
                .as(message).isInstanceOf(RateLimitedException.class)
                .satisfies(e -> assertThat(e.isRetryable()).isTrue()));
        monthly.forEach(message -> assertThat(grpc(Status.Code.RESOURCE_EXHAUSTED, message))
                .as(message).isInstanceOf(QuotaExhaustedException.class)
                .satisfies(e -> assertThat(e.isRetryable()).isFalse()));
    }

    @Test
    void everyGrpcStatusMapsToAKind() {
        assertThat(grpc(Status.Code.UNAVAILABLE, "down")).isInstanceOf(UnavailableException.class);
        assertThat(grpc(Status.Code.INTERNAL, "oops")).isInstanceOf(UnavailableException.class);
        assertThat(grpc(Status.Code.UNKNOWN, "HTTP status code 502")).isInstanceOf(UnavailableException.class);
        assertThat(grpc(Status.Code.DEADLINE_EXCEEDED, "deadline")).isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("PINECONE_TIMEOUT");
        assertThat(grpc(Status.Code.UNAUTHENTICATED, "Invalid API Key")).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("PINECONE_API_KEY");
        assertThat(grpc(Status.Code.PERMISSION_DENIED, "forbidden")).isInstanceOf(AuthenticationException.class);
        assertThat(grpc(Status.Code.PERMISSION_DENIED, "Request failed. You've reached the max storage allowed for project p."))
                .isInstanceOf(QuotaExhaustedException.class);
        assertThat(grpc(Status.Code.NOT_FOUND, "Not Found")).isInstanceOfSatisfying(NonRetryableException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INDEX_NOT_FOUND));
        assertThat(grpc(Status.Code.INVALID_ARGUMENT, "The query result exceeds 4MB"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_REJECTED))
                .hasMessageContaining("exceeds 4MB");
        assertThat(grpc(Status.Code.INVALID_ARGUMENT, "Dense vectors must contain at least one non-zero value."))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ZERO_VECTOR));
        assertThat(grpc(Status.Code.UNIMPLEMENTED, "list is not supported")).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION));
        assertThat(grpc(Status.Code.DATA_LOSS, "?")).satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_ERROR);
            assertThat(e.isRetryable()).isFalse();
        });
        assertThat(grpc(Status.Code.UNAVAILABLE, "down").getMessage()).contains("query", "'docs'", "UNAVAILABLE", "docs/errors.md#unavailable");
    }

    @Test
    void onlyANamespaceNotFoundCountsAsNothingToDelete() {
        assertThat(PineconeErrors.isMissingNamespace(new StatusRuntimeException(Status.NOT_FOUND.withDescription("Namespace not found")))).isTrue();
        assertThat(PineconeErrors.isMissingNamespace(new StatusRuntimeException(Status.NOT_FOUND.withDescription("Index not found")))).isFalse();
        assertThat(PineconeErrors.isMissingNamespace(new StatusRuntimeException(Status.NOT_FOUND))).isFalse();
        assertThat(PineconeErrors.isMissingNamespace(new StatusRuntimeException(Status.UNAVAILABLE.withDescription("namespace not found")))).isFalse();
    }

    private static PineconeException http(int status, String body) {
        ApiException api = new ApiException(status, body);
        return switch (status) {
            case 401 -> new PineconeAuthorizationException(body, api);
            case 404 -> new PineconeNotFoundException(body, api);
            case 500 -> new PineconeInternalServerException(body, api);
            default -> new PineconeUnmappedHttpException(body, api);
        };
    }

    @Test
    void controlPlaneHttpFailuresMapByStatus() {
        String url = "https://api.pinecone.io";
        assertThat(errors.fromControlPlane(url, "docs", new PineconeUnmappedHttpException(null, new ApiException(new IOException("refused")))))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("PINECONE_INDEX_HOST");
        assertThat(errors.fromControlPlane(url, "docs", http(401, "{\"error\":{\"code\":\"UNAUTHENTICATED\"}}")))
                .isInstanceOf(AuthenticationException.class);
        assertThat(errors.fromControlPlane(url, "docs", http(404, "Resource docs not found")))
                .isInstanceOfSatisfying(NonRetryableException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INDEX_NOT_FOUND))
                .hasMessageContaining("PINECONE_INDEX_NAME");
        assertThat(errors.fromControlPlane(url, "docs", http(429, "Too many requests"))).isInstanceOf(RateLimitedException.class);
        assertThat(errors.fromControlPlane(url, "docs", http(429, "You've reached your read unit limit for the current month")))
                .isInstanceOf(QuotaExhaustedException.class);
        assertThat(errors.fromControlPlane(url, "docs", http(500, "boom"))).isInstanceOf(UnavailableException.class);
        assertThat(errors.fromControlPlane(url, "docs", http(503, "unavailable"))).isInstanceOf(UnavailableException.class);
        assertThat(errors.fromControlPlane(url, "docs", http(400, "bad name"))).satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_ERROR));
    }

    @Test
    void theApiKeyIsMaskedInMessagesAndCauses() {
        StatusRuntimeException echo = new StatusRuntimeException(Status.UNAUTHENTICATED.withDescription("Key " + KEY + " is invalid"));

        VectorStoreException mapped = errors.fromGrpc("upsert", echo);
        VectorStoreException controlPlane = errors.fromControlPlane("https://api.pinecone.io", "docs", http(401, "bad key " + KEY));

        for (VectorStoreException e : List.of(mapped, controlPlane)) {
            assertThat(e.getMessage()).doesNotContain(KEY).contains("****");
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY);
                assertThat(t.toString()).doesNotContain(KEY);
            }
        }
    }
}
