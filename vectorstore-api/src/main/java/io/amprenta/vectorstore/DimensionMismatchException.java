package io.amprenta.vectorstore;

/**
 * A vector's length differs from the store's dimension. Both numbers are available so that tools can
 * tell an embedding-model mix-up (e.g. 1536 vs 384) from a truncated vector.
 */
public class DimensionMismatchException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    private final int expected;
    private final int actual;

    /**
     * Creates the exception.
     *
     * @param subject what had the wrong length, e.g. {@code "record 'doc-1'"} or {@code "the query vector"}
     */
    public DimensionMismatchException(String subject, int expected, int actual) {
        super(ErrorCode.DIMENSION_MISMATCH, capitalize(subject) + " has " + actual + " dimensions but the store"
                + " expects " + expected + ". Embed with the model the store was built for, or point the"
                + " store at a table or index of dimension " + actual + ".");
        this.expected = expected;
        this.actual = actual;
    }

    /** The store's dimension. */
    public int expected() {
        return expected;
    }

    /** The dimension that was given. */
    public int actual() {
        return actual;
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
