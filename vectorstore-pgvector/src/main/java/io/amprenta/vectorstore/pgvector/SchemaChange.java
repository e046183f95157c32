package io.amprenta.vectorstore.pgvector;

import java.util.ArrayList;
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

    /** This change and then {@code next} (e.g. an upgrade, then a reindex), as one report. */
    public SchemaChange followedBy(SchemaChange next) {
        List<String> allChanges = new ArrayList<>(changes);
        allChanges.addAll(next.changes());
        List<String> allStatements = new ArrayList<>(statements);
        allStatements.addAll(next.statements());
        return new SchemaChange(fromVersion, next.toVersion(), allChanges, allStatements,
                backupTable.isPresent() ? backupTable : next.backupTable());
    }

    /** Whether anything changed. */
    public boolean changedAnything() {
        return !changes.isEmpty();
    }
}
