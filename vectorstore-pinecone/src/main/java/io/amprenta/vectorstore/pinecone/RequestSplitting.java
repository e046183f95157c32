package io.amprenta.vectorstore.pinecone;

import com.google.protobuf.CodedOutputStream;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.spi.Limits;
import io.pinecone.proto.UpsertRequest;
import io.pinecone.proto.Vector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits work into requests Pinecone accepts: upserts of at most {@value Limits#MAX_UPSERT_BATCH}
 * vectors and {@value #UPSERT_BYTE_BUDGET} bytes, id lists of at most {@value Limits#MAX_IDS_PER_REQUEST}.
 * Upsert requests are built lazily, one at a time, so a large batch is never held twice in memory.
 */
final class RequestSplitting {

    /**
     * The most bytes of one upsert request as serialized. Pinecone documents "2 MB" without saying
     * whether it means 2,000,000 or 2,097,152 bytes; the decimal reading is the one that is always safe.
     */
    static final int UPSERT_BYTE_BUDGET = 2_000_000;

    private RequestSplitting() {
    }

    /** The upsert requests for {@code records}, in order, within Pinecone's count and byte limits. */
    static Iterable<UpsertRequest> upserts(String namespace, List<VectorRecord> records) {
        return upserts(namespace, records, Limits.MAX_UPSERT_BATCH, UPSERT_BYTE_BUDGET);
    }

    static Iterable<UpsertRequest> upserts(String namespace, List<VectorRecord> records, int maxVectors, int maxBytes) {
        int namespaceBytes = namespace.isEmpty() ? 0 : CodedOutputStream.computeStringSize(UpsertRequest.NAMESPACE_FIELD_NUMBER, namespace);
        return () -> new Iterator<>() {
            private int next;
            private Vector pending;

            @Override
            public boolean hasNext() {
                return pending != null || next < records.size();
            }

            @Override
            public UpsertRequest next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                UpsertRequest.Builder request = UpsertRequest.newBuilder().setNamespace(namespace);
                int bytes = namespaceBytes;
                while (pending != null || next < records.size()) {
                    Vector vector = pending != null ? pending : toVector(records.get(next++));
                    pending = null;
                    int size = CodedOutputStream.computeMessageSize(UpsertRequest.VECTORS_FIELD_NUMBER, vector);
                    // A lone vector always goes out, even if alone it were too big: Pinecone then says why.
                    boolean full = request.getVectorsCount() == maxVectors || bytes + size > maxBytes;
                    if (full && request.getVectorsCount() > 0) {
                        pending = vector;
                        break;
                    }
                    request.addVectors(vector);
                    bytes += size;
                }
                return request.build();
            }
        };
    }

    /**
     * A record as Pinecone's {@link Vector}, sparse values included; values are read in place, not copied
     * twice. The byte budget is applied to the whole message, so the sparse values' bytes count.
     */
    static Vector toVector(VectorRecord record) {
        Vector.Builder vector = Vector.newBuilder().setId(record.id());
        for (int i = 0; i < record.dimension(); i++) {
            vector.addValues(record.value(i));
        }
        if (record.hasSparseValues()) {
            vector.setSparseValues(toProto(record.sparseValues()));
        }
        if (!record.metadata().isEmpty()) {
            vector.setMetadata(MetadataStructs.toStruct(record.metadata()));
        }
        return vector.build();
    }

    /**
     * Sparse values as Pinecone's message. Its indices are protobuf {@code uint32}, which Java carries in an
     * {@code int}: the cast keeps the low 32 bits, so indices above {@link Integer#MAX_VALUE} travel unchanged.
     */
    static io.pinecone.proto.SparseValues toProto(SparseValues sparse) {
        io.pinecone.proto.SparseValues.Builder proto = io.pinecone.proto.SparseValues.newBuilder();
        for (int i = 0; i < sparse.size(); i++) {
            proto.addIndices((int) sparse.index(i));
            proto.addValues(sparse.value(i));
        }
        return proto.build();
    }

    /** Pinecone's sparse values message as the library's value, reading its {@code uint32} indices as unsigned. */
    static SparseValues fromProto(io.pinecone.proto.SparseValues proto) {
        long[] indices = new long[proto.getIndicesCount()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = Integer.toUnsignedLong(proto.getIndices(i));
        }
        float[] values = new float[proto.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = proto.getValues(i);
        }
        return SparseValues.of(indices, values);
    }

    /** Consecutive slices of at most {@code size} items (views of {@code items}, not copies). */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, but is " + size);
        }
        List<List<T>> chunks = new ArrayList<>((items.size() + size - 1) / size);
        for (int from = 0; from < items.size(); from += size) {
            chunks.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return chunks;
    }
}
