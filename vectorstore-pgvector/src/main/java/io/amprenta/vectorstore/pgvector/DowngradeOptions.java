package io.amprenta.vectorstore.pgvector;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link SchemaManager#downgrade(DowngradeOptions)} proceeds: to which version, and what happens to embeddings
 * that rows hold when the columns holding them are to be dropped (going below version 1, or below version 4 for
 * sparse values). By default it refuses to drop populated embeddings or sparse values; {@link #backupTo(String)}
 * first copies the embedded rows' library columns (id, namespace, embedding, embedding_model, metadata,
 * embedding_updated_at, and the sparse values' columns when the table has them) into a new table, and
 * {@link #dropEmbeddings()} drops them deliberately.
 *
 * @param toVersion the schema version to go back to, 0 (nothing of the library left) or more
 * @param populated what to do with rows that hold embeddings
 * @param backupTable the backup table, in the table's schema, when {@code populated} is {@link Populated#BACKUP}
 */
public record DowngradeOptions(int toVersion, Populated populated, String backupTable) {

    /** What a downgrade does with rows that hold embeddings. */
    public enum Populated {
        /** Refuse with {@link io.amprenta.vectorstore.ErrorCode#DOWNGRADE_REFUSED} if any row holds one. */
        REFUSE,
        /** Copy them into {@link #backupTable()} first. */
        BACKUP,
        /** Drop them. */
        DROP
    }

    /** Validates the combination. */
    public DowngradeOptions {
        Objects.requireNonNull(populated, "populated");
        if (toVersion < 0 || toVersion > SchemaManager.LATEST_VERSION) {
            throw new IllegalArgumentException("toVersion must be between 0 and " + SchemaManager.LATEST_VERSION
                    + ", but is " + toVersion);
        }
        if (populated == Populated.BACKUP) {
            Identifiers.require("backupTable", backupTable);
        } else if (backupTable != null) {
            throw new IllegalArgumentException("backupTable is only used with Populated.BACKUP");
        }
    }

    /** Down to version 0, refusing to drop populated embeddings. */
    public static DowngradeOptions toNothing() {
        return new DowngradeOptions(0, Populated.REFUSE, null);
    }

    /** The same options stopping at {@code version}. */
    public DowngradeOptions to(int version) {
        return new DowngradeOptions(version, populated, backupTable);
    }

    /**
     * The same options, first copying the embedded rows into the new table {@code table} (same schema), when the
     * downgrade drops populated columns: below version 1, or below version 4 from version 4 or later.
     */
    public DowngradeOptions backupTo(String table) {
        return new DowngradeOptions(toVersion, Populated.BACKUP, table);
    }

    /** The same options, dropping populated embeddings without a backup. */
    public DowngradeOptions dropEmbeddings() {
        return new DowngradeOptions(toVersion, Populated.DROP, null);
    }

    /** The backup table, when one is made. */
    public Optional<String> optionalBackupTable() {
        return Optional.ofNullable(backupTable);
    }
}
