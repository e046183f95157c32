package io.amprenta.vectorstore;

/**
 * The configuration cannot work: a setting is missing or malformed, the chosen backend is not installed,
 * or the database is not prepared (extension, table, column). Fix the environment and start again.
 */
public class ConfigurationException extends VectorStoreException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the setting and the fix. */
    public ConfigurationException(ErrorCode code, String message) {
        super(code, message);
    }

    /** Creates the exception with the underlying cause. */
    public ConfigurationException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
