package io.amprenta.vectorstore.migration;

/**
 * What a migration writes into the target table besides the embedding.
 *
 * @param embeddingModel stored in {@code embedding_model}; null leaves the column as it is
 * @param writeMetadata whether the source's metadata replaces the row's {@code metadata}
 * @param insertMissingRows whether ids without a row in the target table get one; when false they are
 *     reported as failed ("no row in the target table"), which suits applications whose rows must
 *     come from their own ingestion
 */
public record WriteOptions(String embeddingModel, boolean writeMetadata, boolean insertMissingRows) {

    /** Writes metadata, inserts missing rows, no model name. */
    public static WriteOptions defaults() {
        return new WriteOptions(null, true, true);
    }
}
