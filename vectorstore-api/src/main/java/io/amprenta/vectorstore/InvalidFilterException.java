package io.amprenta.vectorstore;

/** A metadata filter is malformed or uses something Pinecone's filter language does not have. */
public class InvalidFilterException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message quotes the offending part of the filter. */
    public InvalidFilterException(String message) {
        super(ErrorCode.INVALID_FILTER, message);
    }

    /** Creates the exception with the parser's cause. */
    public InvalidFilterException(String message, Throwable cause) {
        super(ErrorCode.INVALID_FILTER, message, cause);
    }
}
