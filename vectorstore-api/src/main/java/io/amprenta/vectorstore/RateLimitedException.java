package io.amprenta.vectorstore;

import java.time.Duration;

/** The backend is throttling requests (HTTP 429, gRPC RESOURCE_EXHAUSTED); slow down and retry. */
public class RateLimitedException extends RetryableException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code retryAfter} may be null. */
    public RateLimitedException(String message, Throwable cause, Duration retryAfter) {
        super(ErrorCode.RATE_LIMITED, message, cause, retryAfter);
    }
}
