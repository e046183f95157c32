package io.amprenta.vectorstore;

import io.amprenta.vectorstore.filter.Filter;
import java.util.Objects;

/**
 * Which page of records {@link VectorStore#fetchByFilter(RecordPageRequest)} returns: records whose metadata
 * matches {@code filter}, at most {@code limit} of them, after the position {@code cursor} from the previous
 * page (Pinecone's {@code fetch_by_metadata}).
 *
 * <p>Start with {@link #of(Filter)}, set the page size with {@link #withLimit(int)}, and continue with
 * {@link RecordPage#next()} until it is empty.
 *
 * @param filter only records whose metadata matches this
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the opaque cursor of the previous page, or null for the first page
 */
public record RecordPageRequest(Filter filter, int limit, String cursor) {

    /** The default page size, Pinecone's. */
    public static final int DEFAULT_LIMIT = 100;

    /** The largest page size: Pinecone's limit of records per fetch. */
    public static final int MAX_LIMIT = 1_000;

    /** Validates the filter and the limit. */
    public RecordPageRequest {
        Objects.requireNonNull(filter, "filter");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException(ErrorCode.INVALID_QUERY,
                    "The record page limit is " + limit + " but must be between 1 and " + MAX_LIMIT + ".");
        }
    }

    /** The first page of records matching {@code filter}, {@value #DEFAULT_LIMIT} at a time. */
    public static RecordPageRequest of(Filter filter) {
        return new RecordPageRequest(filter, DEFAULT_LIMIT, null);
    }

    /** The same request with pages of {@code newLimit} records. */
    public RecordPageRequest withLimit(int newLimit) {
        return new RecordPageRequest(filter, newLimit, cursor);
    }

    /** The same request continuing after {@code newCursor}. */
    public RecordPageRequest after(String newCursor) {
        return new RecordPageRequest(filter, limit, newCursor);
    }
}
