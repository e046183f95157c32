package io.amprenta.vectorstore.migration;

/**
 * A record the migration could not copy, and why. It stays {@code failed} in {@code migration_progress}
 * and is retried by the next run with {@code --resume}.
 *
 * @param namespace the namespace
 * @param id the record's id
 * @param reason the error, e.g. a dimension mismatch or "not found in the source"
 */
public record FailedRecord(String namespace, String id, String reason) {
}
