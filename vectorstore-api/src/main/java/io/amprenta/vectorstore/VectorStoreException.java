package io.amprenta.vectorstore;

import java.util.Objects;

/**
 * The root of every exception the library throws. All are unchecked.
 *
 * <p>Catch the subclasses by kind: {@link ConfigurationException} (fix the settings),
 * {@link InvalidRequestException} (fix the call), {@link RetryableException} (try again later) and
 * {@link NonRetryableException} (a person must act). {@link #code()} identifies the exact error, and the
 * message names the offending key, id or value, says what to do, and links to {@code docs/errors.md}.
 * Messages never contain secrets.
 */
public class VectorStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** Creates an exception; {@code message} should say what is wrong and what to do. */
    public VectorStoreException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Creates an exception without a cause. */
    public VectorStoreException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** Which error this is; its {@link ErrorCode#docsLink() documentation} explains the fix. */
    public ErrorCode code() {
        return code;
    }

    /** Whether repeating the same call later may succeed. */
    public boolean isRetryable() {
        return false;
    }

    /** The message without the documentation link. */
    public String problem() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " [" + code.docsLink() + "]";
    }
}
