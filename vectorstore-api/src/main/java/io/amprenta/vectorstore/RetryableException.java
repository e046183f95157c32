package io.amprenta.vectorstore;

import java.time.Duration;
import java.util.Optional;

/**
 * A transient failure: the same call may succeed later. The library already retried it with backoff
 * before throwing; callers with their own retry loop can use {@link #retryAfter()} as a hint.
 */
public class RetryableException extends VectorStoreException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /** Creates the exception; {@code retryAfter} may be null when the server gave no hint. */
    public RetryableException(ErrorCode code, String message, Throwable cause, Duration retryAfter) {
        super(code, message, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }

    /** How long the server asked to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
