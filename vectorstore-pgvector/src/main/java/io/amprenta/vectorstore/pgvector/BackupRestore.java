package io.amprenta.vectorstore.pgvector;

/**
 * What {@link SchemaManager#restore(String)} did with the embeddings a downgrade had preserved.
 *
 * @param backupTable the backup table read, schema-qualified
 * @param restored rows that still existed and got back what they lacked: their embedding, or (after a downgrade to
 *     version 1-3 that left them unchanged) their sparse values
 * @param inserted rows inserted because the table no longer had them (the library's own table is dropped by a
 *     downgrade)
 * @param skipped backed-up rows left as they are: the row holds an embedding again (written since), or already holds
 *     everything the backup has (a second restore)
 */
public record BackupRestore(String backupTable, long restored, long inserted, long skipped) {
}
