package io.amprenta.vectorstore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of records from {@link VectorStore#fetchByFilter(RecordPageRequest)}, whole (dense values,
 * sparse values, metadata).
 *
 * @param records the records on this page, at most the request's limit, in id order within the page
 * @param request the request that produced this page
 * @param nextCursor the opaque cursor to continue with, or null on the last page
 */
public record RecordPage(List<VectorRecord> records, RecordPageRequest request, String nextCursor) {

    /** Copies the records. */
    public RecordPage {
        records = List.copyOf(records);
        Objects.requireNonNull(request, "request");
    }

    /** Whether more records may follow this page. */
    public boolean hasMore() {
        return nextCursor != null;
    }

    /** The request for the following page, or empty on the last page. */
    public Optional<RecordPageRequest> next() {
        return nextCursor == null ? Optional.empty() : Optional.of(request.after(nextCursor));
    }
}
