package io.amprenta.vectorstore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of ids from {@link VectorStore#listIds(IdPageRequest)}.
 *
 * @param ids the ids on this page, at most the request's limit
 * @param request the request that produced this page
 * @param nextCursor the opaque cursor to continue with, or null on the last page
 */
public record IdPage(List<String> ids, IdPageRequest request, String nextCursor) {

    /** Copies the ids. */
    public IdPage {
        ids = List.copyOf(ids);
        Objects.requireNonNull(request, "request");
    }

    /** Whether more ids follow this page. */
    public boolean hasMore() {
        return nextCursor != null;
    }

    /** The request for the following page, or empty on the last page. */
    public Optional<IdPageRequest> next() {
        return nextCursor == null ? Optional.empty() : Optional.of(request.after(nextCursor));
    }
}
