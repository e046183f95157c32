package io.amprenta.vectorstore;

/** The backend did not answer within the deadline (gRPC DEADLINE_EXCEEDED, statement timeout). */
public class RequestTimeoutException extends RetryableException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public RequestTimeoutException(String message, Throwable cause) {
        super(ErrorCode.TIMEOUT, message, cause, null);
    }
}
