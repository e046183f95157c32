package io.amprenta.vectorstore;

/** The backend rejected the credentials (API key, database password). The message never contains them. */
public class AuthenticationException extends NonRetryableException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public AuthenticationException(String message, Throwable cause) {
        super(ErrorCode.AUTHENTICATION_FAILED, message, cause);
    }
}
