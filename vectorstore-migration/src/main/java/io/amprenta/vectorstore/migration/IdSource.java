package io.amprenta.vectorstore.migration;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a migration learns which ids to copy.
 *
 * <ul>
 *   <li>{@link #sourceListing(String)}: the source's id listing (Pinecone serverless indexes), optionally by prefix;</li>
 *   <li>{@link #targetRowsWithoutEmbedding()}: the target table's rows that still lack an embedding, the
 *       only way for Pinecone pod indexes, which cannot list;</li>
 *   <li>{@link #file(Path)}: a file of ids, one per line as JSON strings or bare ids ({@link IdLines}).</li>
 * </ul>
 */
public sealed interface IdSource permits IdSource.SourceListing, IdSource.TargetRows, IdSource.IdFile {

    /** The source's listing of ids starting with {@code prefix} ({@code ""} for all). */
    static IdSource sourceListing(String prefix) {
        return new SourceListing(prefix);
    }

    /** The target rows without an embedding. */
    static IdSource targetRowsWithoutEmbedding() {
        return new TargetRows();
    }

    /** The ids in {@code file}. */
    static IdSource file(Path file) {
        return new IdFile(file);
    }

    /** Ids from the source's listing. @param prefix only ids with this prefix */
    record SourceListing(String prefix) implements IdSource {
        public SourceListing {
            Objects.requireNonNull(prefix, "prefix");
        }
    }

    /** Ids of target rows without an embedding. */
    record TargetRows() implements IdSource {
    }

    /** Ids read from a file. @param file the file */
    record IdFile(Path file) implements IdSource {
        public IdFile {
            Objects.requireNonNull(file, "file");
        }
    }
}
