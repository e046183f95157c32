package io.amprenta.vectorstore.spi;

import io.amprenta.vectorstore.DimensionMismatchException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.internal.MetadataJson;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Pinecone's limits, enforced up front for every backend so that code that works on one backend works
 * on the other. {@link BackendVectorStore} applies them to every call; the migrator applies
 * {@link #checkRecord} record by record to set bad records aside without failing their batch.
 */
public final class Limits {

    /** The longest id, in characters. */
    public static final int MAX_ID_LENGTH = 512;

    /** The most metadata per record, in bytes of compact UTF-8 JSON (40 KB). */
    public static final int MAX_METADATA_BYTES = 40 * 1024;

    /** The most vectors per Pinecone upsert request. */
    public static final int MAX_UPSERT_BATCH = 1000;

    /** The most bytes per Pinecone upsert request (2 MB). */
    public static final int MAX_UPSERT_BYTES = 2 * 1024 * 1024;

    /** The most ids per Pinecone fetch or delete request. */
    public static final int MAX_IDS_PER_REQUEST = 1000;

    /** The most entries (non-zero values) of one record's or query's sparse values (Pinecone's limit). */
    public static final int MAX_SPARSE_VALUES = 1000;

    private static final int MAX_QUOTED_ID = 80;

    private Limits() {
    }

    /**
     * Checks an id: non-empty, at most {@value #MAX_ID_LENGTH} characters, no NUL character (which
     * PostgreSQL text cannot hold).
     */
    public static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ID,
                    "An id is " + (id == null ? "null" : "empty") + "; ids must be non-empty strings.");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidRequestException(ErrorCode.INVALID_ID, "The id " + quoteId(id) + " is " + id.length()
                    + " characters long; ids may have at most " + MAX_ID_LENGTH + " characters.");
        }
        if (id.indexOf('\0') >= 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ID,
                    "The id " + quoteId(id) + " contains a NUL character (\\u0000), which PostgreSQL cannot store.");
        }
    }

    /** Checks every id of a fetch or delete. */
    public static void checkIds(List<String> ids) {
        ids.forEach(Limits::checkId);
    }

    /**
     * Checks one record for writing to a target that keeps dense values and metadata only: a record with
     * sparse values is refused ({@link ErrorCode#SPARSE_VALUES_UNSUPPORTED}), because such a target would
     * drop them without a word. Writers that keep sparse values use {@link #checkRecord(VectorRecord,
     * OptionalInt, boolean)}.
     *
     * @param dimension the store's dimension; empty when it is not fixed yet
     * @throws InvalidRequestException (or {@link DimensionMismatchException}) naming the record
     */
    public static void checkRecord(VectorRecord record, OptionalInt dimension) {
        checkRecord(record, dimension, false);
    }

    /**
     * Checks one record for writing.
     *
     * @param dimension the store's dimension; empty when it is not fixed yet
     * @param keepsSparseValues whether the target stores sparse values; when not, a record that has them is
     *     refused rather than written without them
     * @throws InvalidRequestException (or {@link DimensionMismatchException}) naming the record
     */
    public static void checkRecord(VectorRecord record, OptionalInt dimension, boolean keepsSparseValues) {
        checkId(record.id());
        String subject = "record " + quoteId(record.id());
        checkVector(subject, record.dimension(), record::value, dimension);
        checkMetadata(record.id(), record.metadata());
        if (record.hasSparseValues()) {
            checkSparse(subject, record.sparseValues());
            if (!keepsSparseValues) {
                throw new InvalidRequestException(ErrorCode.SPARSE_VALUES_UNSUPPORTED, "Record " + quoteId(record.id())
                        + " has sparse values, but this target cannot store them; nothing was written. Write it to a"
                        + " store whose backend supports sparse values (pinecone, memory), or remove the sparse values"
                        + " (withSparseValues(null)) if the application does not need them.");
            }
        }
    }

    /** Checks a query vector against the store's dimension, and its sparse vector if it has one. */
    public static void checkQuery(Query query, OptionalInt dimension) {
        checkVector("the query vector", query.dimension(), query::value, dimension);
        if (query.hasSparseVector()) {
            checkSparse("the query's sparse vector", query.sparseVector());
        }
    }

    /**
     * Checks sparse values as Pinecone does: non-empty, at most {@value #MAX_SPARSE_VALUES} entries, as many
     * values as indices, indices strictly increasing within 0 to {@value SparseValues#MAX_INDEX}, finite values.
     * Strictly increasing indices are what make the sparse dot product well defined (a duplicate index
     * would count twice) and let it be computed in one merge.
     *
     * @param subject names the owner in messages, e.g. {@code record 'doc-1'}
     */
    public static void checkSparse(String subject, SparseValues sparse) {
        String owner = capitalize(subject);
        int size = sparse.size();
        if (size != sparse.values().length) {
            throw invalidSparse(owner + " has sparse values with " + size + " indices but " + sparse.values().length
                    + " values; indices and values must have the same length.");
        }
        if (size == 0) {
            throw invalidSparse(owner + " has empty sparse values; leave them out (withSparseValues(null)) instead"
                    + " of sending none.");
        }
        if (size > MAX_SPARSE_VALUES) {
            throw invalidSparse(owner + " has " + size + " sparse values; Pinecone allows at most "
                    + MAX_SPARSE_VALUES + " non-zero sparse values per vector. Keep the highest-weighted terms.");
        }
        long previous = -1;
        for (int i = 0; i < size; i++) {
            long index = sparse.index(i);
            if (index < 0 || index > SparseValues.MAX_INDEX) {
                throw invalidSparse(owner + " has sparse index " + index + " at position " + i
                        + ", which is out of range; sparse indices are unsigned 32-bit integers, 0 to "
                        + SparseValues.MAX_INDEX + ".");
            }
            if (index == previous) {
                throw invalidSparse(owner + " has the duplicate sparse index " + index + " at position " + i
                        + "; each index may appear once. Sum the values of repeated terms.");
            }
            if (index < previous) {
                throw invalidSparse(owner + " has unsorted sparse indices: " + index + " at position " + i
                        + " follows " + previous + "; sort the indices (and their values) in increasing order.");
            }
            previous = index;
            float value = sparse.value(i);
            if (!Float.isFinite(value)) {
                throw new InvalidRequestException(ErrorCode.NON_FINITE_VALUE, owner + " has the sparse value " + value
                        + " at position " + i + " (index " + index + "); sparse values must be finite numbers.");
            }
        }
    }

    private static InvalidRequestException invalidSparse(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_SPARSE_VALUES, message);
    }

    // Reads values by index so that checking a record does not copy its vector.
    private static void checkVector(String subject, int length, IntToFloat valueAt, OptionalInt dimension) {
        if (dimension.isPresent() && length != dimension.getAsInt()) {
            throw new DimensionMismatchException(subject, dimension.getAsInt(), length);
        }
        boolean allZero = true;
        for (int i = 0; i < length; i++) {
            float value = valueAt.get(i);
            if (!Float.isFinite(value)) {
                throw new InvalidRequestException(ErrorCode.NON_FINITE_VALUE, capitalize(subject) + " has " + value
                        + " at position " + i + "; vector values must be finite numbers. Check the embedding step"
                        + " that produced it.");
            }
            allZero &= value == 0f;
        }
        // Pinecone refuses all-zero dense vectors under every metric, so every backend does.
        if (allZero) {
            throw new InvalidRequestException(ErrorCode.ZERO_VECTOR, capitalize(subject) + " is all zeros. Vectors need"
                    + " at least one non-zero value: Pinecone rejects all-zero vectors under every metric, and under cosine"
                    + " they have no direction. Check the embedding step that produced it.");
        }
    }

    private static void checkMetadata(String id, Map<String, Object> metadata) {
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            if (containsNul(entry.getKey()) || containsNul(entry.getValue())) {
                throw new InvalidRequestException(ErrorCode.UNSUPPORTED_METADATA, "Record " + quoteId(id)
                        + ": metadata field '" + entry.getKey().replace("\0", "\\u0000") + "' contains a NUL character"
                        + " (\\u0000), which PostgreSQL cannot store. Remove it from the text.");
            }
        }
        int size = MetadataJson.sizeInBytes(metadata);
        if (size > MAX_METADATA_BYTES) {
            throw new InvalidRequestException(ErrorCode.METADATA_TOO_LARGE, "Record " + quoteId(id) + " has " + size
                    + " bytes of metadata; the limit is " + MAX_METADATA_BYTES + " bytes (40 KB). Keep large text,"
                    + " such as the chunk body, in your own table and store a reference in metadata.");
        }
    }

    private interface IntToFloat {
        float get(int index);
    }

    private static boolean containsNul(Object value) {
        if (value instanceof String text) {
            return text.indexOf('\0') >= 0;
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(Limits::containsNul);
        }
        return false;
    }

    /** An id as quoted in messages: in quotes, shortened when long. */
    public static String quoteId(String id) {
        String shown = id.length() <= MAX_QUOTED_ID ? id : id.substring(0, MAX_QUOTED_ID) + "...";
        return "'" + shown.replace("\0", "\\u0000") + "'";
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
