package io.amprenta.vectorstore;

/**
 * A call was rejected before anything was written: a bad id, a wrong dimension, a NaN, a bad filter,
 * metadata too large or of an unsupported type. Retrying the same call fails the same way.
 */
public class InvalidRequestException extends VectorStoreException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the offending id or value. */
    public InvalidRequestException(ErrorCode code, String message) {
        super(code, message);
    }

    /** Creates the exception with the underlying cause. */
    public InvalidRequestException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
