package io.amprenta.vectorstore.pgvector;

/**
 * What {@link SchemaManager#restore(String)} did with the embeddings a downgrade had preserved.
 *
 * @param backupTable the backup table read, schema-qualified
 * @param restored embeddings written back into rows that still existed without one
 * @param inserted rows inserted because the table no longer had them (the library's own table is dropped by a
 *     downgrade)
 * @param skipped backed-up rows left as they are because the row holds an embedding again (written since)
 */
public record BackupRestore(String backupTable, long restored, long inserted, long skipped) {
}
