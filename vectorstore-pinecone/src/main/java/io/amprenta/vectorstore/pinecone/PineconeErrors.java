package io.amprenta.vectorstore.pinecone;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.NonRetryableException;
import io.amprenta.vectorstore.QuotaExhaustedException;
import io.amprenta.vectorstore.RateLimitedException;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.UnavailableException;
import io.amprenta.vectorstore.VectorStoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pinecone.exceptions.PineconeException;
import java.util.regex.Pattern;
import org.openapitools.db_control.client.ApiException;

/**
 * Maps Pinecone's failures onto the library's exception kinds. The data plane fails with raw gRPC
 * {@link StatusRuntimeException}s and the control plane with the client's {@link PineconeException}s,
 * whose cause carries the HTTP status; neither is classified by the client for throttling, so this class
 * does it, telling a per-second 429 (retry) from a monthly-quota 429 (stop) by Pinecone's message.
 *
 * <p>Pinecone's own message is quoted in every exception, with the API key (should it ever appear there)
 * masked, and followed by what to do.
 */
final class PineconeErrors {

    /**
     * Pinecone's monthly-usage 429s say "You've reached your read unit limit for the current month" (or
     * write unit, or egress); its per-second 429s name a per-second or QPS limit instead.
     */
    private static final Pattern MONTHLY_QUOTA = Pattern.compile("(?i)for the current month|monthly (usage|quota|limit)");

    /** Pinecone's 403 for an exceeded plan quota (e.g. storage on the Starter plan) says so. */
    private static final Pattern FORBIDDEN_QUOTA = Pattern.compile("(?i)quota|reached the max|upgrade your plan");

    /** Pinecone answers deletes in a namespace that holds nothing with 404 "Namespace not found". */
    private static final Pattern MISSING_NAMESPACE = Pattern.compile("(?i)namespace.*not found");

    private static final Pattern ZERO_VECTOR = Pattern.compile("(?i)at least one non-zero value");

    private static final int MAX_QUOTED = 500;
    private static final String MASK = "****";

    private final String apiKey;
    private final String indexLabel;

    PineconeErrors(String apiKey, String indexLabel) {
        this.apiKey = apiKey;
        this.indexLabel = indexLabel;
    }

    /** Whether a data-plane failure is Pinecone's 404 for a namespace that holds no records. */
    static boolean isMissingNamespace(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        return status.getCode() == Status.Code.NOT_FOUND && status.getDescription() != null
                && MISSING_NAMESPACE.matcher(status.getDescription()).find();
    }

    /** The library's exception for a failed data-plane call. */
    VectorStoreException fromGrpc(String operation, StatusRuntimeException failure) {
        Status status = failure.getStatus();
        String said = quote(status.getDescription() == null ? "" : status.getDescription());
        String what = "Pinecone " + operation + " on index " + indexLabel + " failed with " + status.getCode()
                + (said.isEmpty() ? "" : " (\"" + said + "\")") + ".";
        // The cause is kept for its stack trace only when it cannot carry the server's message verbatim.
        Throwable cause = safeCause(failure);
        return switch (status.getCode()) {
            case RESOURCE_EXHAUSTED -> MONTHLY_QUOTA.matcher(said).find()
                    ? new QuotaExhaustedException(what + " The project's monthly usage limit is used up; retrying will"
                            + " not help until the next billing period. Upgrade the Pinecone plan, then resume.", cause)
                    : new RateLimitedException(what + " Pinecone is throttling requests. The library retried with"
                            + " backoff; lower the request rate (fewer workers or parallel clients) or ask Pinecone"
                            + " Support for a higher limit.", cause, null);
            case UNAVAILABLE, UNKNOWN, INTERNAL, ABORTED -> new UnavailableException(what + " Pinecone or the network"
                    + " failed transiently; the library retried. If it persists, check status.pinecone.io and that the"
                    + " index host is reachable from here.", cause);
            case DEADLINE_EXCEEDED -> new RequestTimeoutException(what + " No answer within the request timeout ("
                    + PineconeSettings.TIMEOUT + "). Raise " + PineconeSettings.TIMEOUT + " for large requests, or"
                    + " check the network path to Pinecone.", cause);
            case UNAUTHENTICATED -> new AuthenticationException(what + " Pinecone rejected the API key. Set "
                    + PineconeSettings.API_KEY + " to a valid key of the project that owns the index.", cause);
            case PERMISSION_DENIED -> FORBIDDEN_QUOTA.matcher(said).find()
                    ? new QuotaExhaustedException(what + " A plan quota is exceeded; upgrade the Pinecone plan or"
                            + " free capacity, then resume.", cause)
                    : new AuthenticationException(what + " The API key may not perform this operation. Use a key of"
                            + " the project that owns the index, with write access for writes.", cause);
            case NOT_FOUND -> new NonRetryableException(ErrorCode.INDEX_NOT_FOUND, what + " The index host does not"
                    + " serve this index (deleted or recreated?). Check " + PineconeSettings.INDEX_HOST + " or "
                    + PineconeSettings.INDEX_NAME + ".", cause);
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> new InvalidRequestException(
                    ZERO_VECTOR.matcher(said).find() ? ErrorCode.ZERO_VECTOR : ErrorCode.REQUEST_REJECTED,
                    what + " Pinecone refused the request as invalid; its reason is quoted. Change the request;"
                            + " retrying it unchanged fails the same way.", cause);
            case UNIMPLEMENTED -> new InvalidRequestException(ErrorCode.UNSUPPORTED_OPERATION, what + " This index"
                    + " does not support " + operation + " (listing ids, for example, needs a serverless index).", cause);
            default -> new VectorStoreException(ErrorCode.BACKEND_ERROR, what + " This was not expected; if it"
                    + " persists, report it with this message.", cause);
        };
    }

    /** The library's exception for a failed control-plane call (describe_index). */
    VectorStoreException fromControlPlane(String controlPlaneUrl, String indexName, RuntimeException failure) {
        int httpStatus = failure.getCause() instanceof ApiException api ? api.getCode() : -1;
        String said = quote(failure.getMessage() == null ? "" : failure.getMessage());
        String what = "Looking up index '" + indexName + "' at " + controlPlaneUrl + " failed"
                + (httpStatus > 0 ? " with HTTP " + httpStatus : "") + (said.isEmpty() ? "" : " (\"" + said + "\")") + ".";
        Throwable cause = safeCause(failure);
        if (httpStatus == 0) {
            return new UnavailableException(what + " The control plane could not be reached. Check the network and "
                    + PineconeSettings.CONTROL_PLANE_URL + ", or set " + PineconeSettings.INDEX_HOST
                    + " to skip the lookup.", cause);
        }
        if (httpStatus == 401 || httpStatus == 403) {
            return new AuthenticationException(what + " Pinecone rejected the API key. Set " + PineconeSettings.API_KEY
                    + " to a valid key of the project that owns the index.", cause);
        }
        if (httpStatus == 404) {
            return new NonRetryableException(ErrorCode.INDEX_NOT_FOUND, what + " The project has no index of that name."
                    + " Check " + PineconeSettings.INDEX_NAME + " (names are case-sensitive) and that the API key"
                    + " belongs to the index's project.", cause);
        }
        if (httpStatus == 429) {
            return MONTHLY_QUOTA.matcher(said).find()
                    ? new QuotaExhaustedException(what + " The project's monthly usage limit is used up. Upgrade the"
                            + " Pinecone plan, then resume.", cause)
                    : new RateLimitedException(what + " Pinecone is throttling control-plane requests. Set "
                            + PineconeSettings.INDEX_HOST + " to skip the lookup.", cause, null);
        }
        if (httpStatus >= 500) {
            return new UnavailableException(what + " Pinecone's control plane failed transiently; the library retried."
                    + " Set " + PineconeSettings.INDEX_HOST + " to skip the lookup.", cause);
        }
        return new VectorStoreException(ErrorCode.BACKEND_ERROR, what + " Check " + PineconeSettings.INDEX_NAME
                + " and " + PineconeSettings.CONTROL_PLANE_URL + ".", cause);
    }

    /** {@code text} shortened, with the API key masked wherever it appears. */
    String quote(String text) {
        String masked = apiKey.isEmpty() ? text : text.replace(apiKey, MASK);
        return masked.length() <= MAX_QUOTED ? masked : masked.substring(0, MAX_QUOTED) + "...";
    }

    // A cause whose message could contain the key is replaced by one with the message masked.
    private Throwable safeCause(Throwable failure) {
        if (!containsKey(failure)) {
            return failure;
        }
        Throwable masked = new PineconeFailure(failure.getClass().getName() + ": " + quote(String.valueOf(failure.getMessage())));
        masked.setStackTrace(failure.getStackTrace());
        return masked;
    }

    private boolean containsKey(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !apiKey.isEmpty() && t.getMessage().contains(apiKey)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Stands in for an underlying exception whose message had to be masked. */
    static final class PineconeFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PineconeFailure(String message) {
            super(message);
        }
    }
}
