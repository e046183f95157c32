package io.amprenta.vectorstore;

/**
 * Every kind of error the library reports. Each has an anchor in {@code docs/errors.md} that explains the
 * cause and the fix; exception messages end with that link, so a log line leads straight to the remedy.
 */
public enum ErrorCode {
    // Configuration and discovery
    MISSING_SETTING("missing-setting"),
    INVALID_SETTING("invalid-setting"),
    UNKNOWN_BACKEND("unknown-backend"),
    BACKEND_NOT_INSTALLED("backend-not-installed"),
    DUPLICATE_BACKEND("duplicate-backend"),
    BACKEND_FAILED_TO_LOAD("backend-failed-to-load"),
    UNSUPPORTED_OPERATION("unsupported-operation"),
    STORE_CLOSED("store-closed"),

    // Invalid requests
    INVALID_ID("invalid-id"),
    DIMENSION_MISMATCH("dimension-mismatch"),
    NON_FINITE_VALUE("non-finite-value"),
    ZERO_VECTOR("zero-vector"),
    /** Sparse values that are not sorted, unique, in range, of matching length or within Pinecone's size limit. */
    INVALID_SPARSE_VALUES("invalid-sparse-values"),
    /** Sparse values sent to a backend that cannot store or search them; it refuses rather than dropping them. */
    SPARSE_VALUES_UNSUPPORTED("sparse-values-unsupported"),
    METADATA_TOO_LARGE("metadata-too-large"),
    UNSUPPORTED_METADATA("unsupported-metadata"),
    INVALID_FILTER("invalid-filter"),
    INVALID_QUERY("invalid-query"),
    INVALID_CURSOR("invalid-cursor"),
    INVALID_UPDATE("invalid-update"),
    /** The backend refused a request as invalid for a reason the library does not check up front. */
    REQUEST_REJECTED("request-rejected"),

    // Transient: worth retrying
    RATE_LIMITED("rate-limited"),
    UNAVAILABLE("unavailable"),
    TIMEOUT("timeout"),

    // Permanent: retrying will not help
    AUTHENTICATION_FAILED("authentication-failed"),
    QUOTA_EXHAUSTED("quota-exhausted"),
    INDEX_NOT_FOUND("index-not-found"),

    // PostgreSQL / pgvector
    VECTOR_EXTENSION_MISSING("vector-extension-missing"),
    VECTOR_EXTENSION_TOO_OLD("vector-extension-too-old"),
    TABLE_MISSING("table-missing"),
    COLUMN_MISSING("column-missing"),
    COLUMN_NOT_VECTOR("column-not-vector"),
    INDEX_MISSING("index-missing"),
    SCHEMA_OUTDATED("schema-outdated"),
    SCHEMA_CONFLICT("schema-conflict"),
    DOWNGRADE_REFUSED("downgrade-refused"),
    INSUFFICIENT_PRIVILEGE("insufficient-privilege"),

    // Migration
    MIGRATION_FAILED("migration-failed"),
    MIGRATION_RUN_EXISTS("migration-run-exists"),

    /** A failure the library did not expect; the message carries the underlying cause. */
    BACKEND_ERROR("backend-error");

    /** Where the documentation of all codes lives, relative to the project root. */
    public static final String DOCS = "docs/errors.md";

    private final String anchor;

    ErrorCode(String anchor) {
        this.anchor = anchor;
    }

    /** The anchor of this error's section in {@code docs/errors.md}, e.g. {@code dimension-mismatch}. */
    public String anchor() {
        return anchor;
    }

    /** The documentation link appended to messages, e.g. {@code docs/errors.md#dimension-mismatch}. */
    public String docsLink() {
        return DOCS + "#" + anchor;
    }
}
