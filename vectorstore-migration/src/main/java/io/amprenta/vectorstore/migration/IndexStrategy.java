package io.amprenta.vectorstore.migration;

/**
 * What a migration does with the target's vector index while it copies: maintain it row by row, or drop it first and
 * build it once at the end (many times faster, but queries scan the table meanwhile). {@link #AUTO}, the default,
 * chooses by the signals {@link IndexDecision} reports (ARCHITECTURE.md, "Index strategy").
 */
public enum IndexStrategy {
    /** Defer when the target is being filled rather than served; keep it when in doubt. */
    AUTO,
    /** Keep the index and maintain it row by row: readers keep their indexed queries throughout. */
    KEEP,
    /** Drop the index before copying and build it once at the end (its definition recorded first). */
    DEFER
}
