package io.amprenta.vectorstore;

/**
 * A failure that repeating will not fix and that a person must resolve: bad credentials, an exhausted
 * monthly quota, a deleted index. Long-running jobs stop on it, leaving a resumable state.
 */
public class NonRetryableException extends VectorStoreException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public NonRetryableException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
