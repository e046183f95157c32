package io.amprenta.vectorstore;

/**
 * The account's quota is used up (for Pinecone, a 429 that names the monthly read or write unit limit).
 * Unlike {@link RateLimitedException}, waiting seconds does not help: raise the quota or wait for the
 * next billing period, then resume.
 */
public class QuotaExhaustedException extends NonRetryableException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public QuotaExhaustedException(String message, Throwable cause) {
        super(ErrorCode.QUOTA_EXHAUSTED, message, cause);
    }
}
