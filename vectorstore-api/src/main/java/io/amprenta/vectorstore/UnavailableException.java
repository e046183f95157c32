package io.amprenta.vectorstore;

/** The backend cannot be reached or refused the connection for now (HTTP 503, gRPC UNAVAILABLE, connection refused). */
public class UnavailableException extends RetryableException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public UnavailableException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause, null);
    }
}
