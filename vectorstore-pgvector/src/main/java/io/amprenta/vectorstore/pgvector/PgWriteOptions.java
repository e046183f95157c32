package io.amprenta.vectorstore.pgvector;

import java.time.Instant;

/**
 * What a batch write on {@link PgVectorTable} puts into the table besides the embedding, and what it does with ids
 * that have no row yet. The store's own upserts use {@link #upsert(String)}.
 *
 * @param embeddingModel written to {@code embedding_model}; null leaves the column of existing rows as it is
 * @param writeMetadata whether the records' metadata replaces the rows' {@code metadata}; when false existing rows
 *     keep theirs and new rows get {@code {}}
 * @param insertMissingRows whether ids without a row get one; when false they are skipped and returned by the
 *     write, which suits application tables whose rows come from the application's own ingestion
 * @param replaceOnlyRowsWrittenBefore null to replace every existing row; else an existing row is replaced only when
 *     its {@code embedding_updated_at} is null or earlier than this instant (of the database's clock), and left as it
 *     is otherwise, so that a copy read from elsewhere before that instant never overwrites a newer write
 */
public record PgWriteOptions(String embeddingModel, boolean writeMetadata, boolean insertMissingRows,
                             Instant replaceOnlyRowsWrittenBefore) {

    /** Options replacing every existing row. */
    public PgWriteOptions(String embeddingModel, boolean writeMetadata, boolean insertMissingRows) {
        this(embeddingModel, writeMetadata, insertMissingRows, null);
    }

    /** The same options, replacing only rows last written before {@code instant} (see the record's description). */
    public PgWriteOptions replacingOnlyRowsWrittenBefore(Instant instant) {
        return new PgWriteOptions(embeddingModel, writeMetadata, insertMissingRows, instant);
    }

    /** What {@link io.amprenta.vectorstore.VectorStore#upsert} does: metadata and model written, rows inserted. */
    public static PgWriteOptions upsert(String embeddingModel) {
        return new PgWriteOptions(embeddingModel, true, true);
    }

    /** Only fill in existing rows: metadata and model written, ids without a row skipped. */
    public static PgWriteOptions existingRowsOnly(String embeddingModel) {
        return new PgWriteOptions(embeddingModel, true, false);
    }
}
