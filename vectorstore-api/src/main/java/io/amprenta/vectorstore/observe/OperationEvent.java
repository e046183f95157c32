package io.amprenta.vectorstore.observe;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.NonRetryableException;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.VectorStoreException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished store operation: what, where, how long, how many rows, and how it failed if it did.
 *
 * @param backend the backend's name
 * @param namespace the namespace operated on
 * @param operation the operation
 * @param duration wall-clock time of the call
 * @param rows records written, returned, fetched, deleted or listed; 0 when not applicable or failed
 * @param failure the exception, or null on success
 */
public record OperationEvent(String backend, String namespace, Operation operation, Duration duration, int rows,
                             RuntimeException failure) {

    /** Validates. */
    public OperationEvent {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(duration, "duration");
    }

    /** Whether the call succeeded. */
    public boolean succeeded() {
        return failure == null;
    }

    /**
     * The failure's kind as a metric tag: {@code none}, {@code configuration}, {@code invalid_request},
     * {@code retryable}, {@code non_retryable} or {@code unexpected}.
     */
    public String outcome() {
        if (failure == null) {
            return "none";
        }
        if (failure instanceof ConfigurationException) {
            return "configuration";
        }
        if (failure instanceof InvalidRequestException) {
            return "invalid_request";
        }
        if (failure instanceof RetryableException) {
            return "retryable";
        }
        if (failure instanceof NonRetryableException) {
            return "non_retryable";
        }
        return "unexpected";
    }

    /** The failure's {@link ErrorCode}, when it is one of ours. */
    public Optional<ErrorCode> errorCode() {
        return failure instanceof VectorStoreException known ? Optional.of(known.code()) : Optional.empty();
    }
}
