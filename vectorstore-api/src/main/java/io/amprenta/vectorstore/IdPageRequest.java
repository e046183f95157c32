package io.amprenta.vectorstore;

import java.util.Objects;

/**
 * Which page of ids {@link VectorStore#listIds(IdPageRequest)} returns: ids starting with {@code prefix},
 * at most {@code limit} of them, after the position {@code cursor} from the previous page.
 *
 * <p>Start with {@link #first(int)} or {@link #all()}, narrow with {@link #withPrefix(String)}, and
 * continue with {@link IdPage#next()} until it is empty.
 *
 * @param prefix only ids that start with this; empty for all
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the opaque cursor of the previous page, or null for the first page
 */
public record IdPageRequest(String prefix, int limit, String cursor) {

    /** The default page size, Pinecone's. */
    public static final int DEFAULT_LIMIT = 100;

    /** The largest page size any backend accepts. */
    public static final int MAX_LIMIT = 10_000;

    /** Validates the limit. */
    public IdPageRequest {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY,
                    "The id page limit is " + limit + " but must be between 1 and " + MAX_LIMIT + ".");
        }
    }

    /** The first page of all ids, {@value #DEFAULT_LIMIT} at a time. */
    public static IdPageRequest all() {
        return first(DEFAULT_LIMIT);
    }

    /** The first page of all ids, {@code limit} at a time. */
    public static IdPageRequest first(int limit) {
        return new IdPageRequest("", limit, null);
    }

    /** The same request restricted to ids starting with {@code newPrefix}. */
    public IdPageRequest withPrefix(String newPrefix) {
        return new IdPageRequest(newPrefix, limit, cursor);
    }

    /** The same request continuing after {@code newCursor}. */
    public IdPageRequest after(String newCursor) {
        return new IdPageRequest(prefix, limit, newCursor);
    }
}
