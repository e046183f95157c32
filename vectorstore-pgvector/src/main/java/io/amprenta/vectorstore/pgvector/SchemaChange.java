package io.amprenta.vectorstore.pgvector;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link SchemaManager#upgrade} or {@link SchemaManager#downgrade} did.
 *
 * @param fromVersion the recorded schema version before
 * @param toVersion the recorded schema version after
 * @param changes what changed, one line each (e.g. {@code added column embedding vector(384)}); empty when the
 *     schema already was as asked
 * @param statements the SQL statements executed, in order
 * @param backupTable the table embeddings were copied to, when the downgrade made one
 */
public record SchemaChange(int fromVersion, int toVersion, List<String> changes, List<String> statements,
                           Optional<String> backupTable) {

    /** Copies the lists. */
    public SchemaChange {
        changes = List.copyOf(changes);
        statements = List.copyOf(statements);
    }

    /** Whether anything changed. */
    public boolean changedAnything() {
        return !changes.isEmpty();
    }
}
