package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.internal.MetadataJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams records into {@code COPY ... FROM STDIN (FORMAT BINARY)}, PostgreSQL's fastest way in: no SQL parsing,
 * no text conversion of floats, one message per buffer. Each row has six fields: namespace, id, embedding,
 * embedding_model, metadata, embedding_updated_at, and two more for a table with sparse values: their indices and
 * values (NULL for a record without them, so a rewritten row loses the old ones). Vectors use
 * pgvector's binary format ({@code int16 dim, int16 0, dim x float4}), metadata jsonb's (version byte 1, then JSON
 * text), timestamps microseconds since 2000-01-01, the sparse values PostgreSQL's binary arrays of {@code int8} and
 * {@code float4}, which carry every bit of each value (ARCHITECTURE.md, "Sparse values").
 */
final class BinaryCopy {

    private static final short FIELDS = 6;
    private static final short FIELDS_WITH_SPARSE = 8;
    private static final int INT8_OID = 20;
    private static final int FLOAT4_OID = 700;

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int BUFFER_SIZE = 1 << 20;
    private static final int JSONB_VERSION = 1;

    private BinaryCopy() {
    }

    /**
     * Copies {@code records} into {@code target} (a quoted, possibly qualified table); {@code columnList} names its
     * columns for the six fields, or the eight with {@code sparseValues}.
     *
     * @param writeMetadata whether rows get the records' metadata (else {@code {}})
     * @param updatedAtMicros {@code embedding_updated_at} of every row, in PostgreSQL's epoch (2000-01-01)
     * @param sparseValues whether rows carry the two sparse values fields
     * @return the number of rows PostgreSQL reports copied
     */
    public static long copy(Connection connection, String target, String columnList, String namespace,
                            List<VectorRecord> records, String embeddingModel, boolean writeMetadata,
                            long updatedAtMicros, boolean sparseValues) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + target + " (" + columnList + ") FROM STDIN (FORMAT BINARY)");
        try {
            Encoder encoder = new Encoder(copy);
            encoder.header();
            byte[] namespaceBytes = utf8(namespace);
            byte[] modelBytes = embeddingModel == null ? null : utf8(embeddingModel);
            byte[] noMetadata = utf8("{}");
            for (VectorRecord record : records) {
                encoder.row(namespaceBytes, utf8(record.id()), record, modelBytes,
                        writeMetadata ? utf8(MetadataJson.write(record.metadata())) : noMetadata, updatedAtMicros,
                        sparseValues);
                if (sparseValues) {
                    encoder.sparse(record.optionalSparseValues().orElse(null));
                }
            }
            encoder.trailer();
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Fills a buffer and hands it to the driver whenever the next field would not fit. */
    private static final class Encoder {
        private final CopyIn copy;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);

        Encoder(CopyIn copy) {
            this.copy = copy;
        }

        void header() throws SQLException {
            ensure(SIGNATURE.length + 8);
            buffer.put(SIGNATURE).putInt(0).putInt(0);
        }

        void row(byte[] namespace, byte[] id, VectorRecord record, byte[] model, byte[] metadata, long updatedAt,
                 boolean sparseValues) throws SQLException {
            ensure(2);
            buffer.putShort(sparseValues ? FIELDS_WITH_SPARSE : FIELDS);
            bytes(namespace);
            bytes(id);
            vector(record);
            bytes(model);
            ensure(4 + 1);
            buffer.putInt(metadata.length + 1).put((byte) JSONB_VERSION);
            raw(metadata);
            ensure(4 + 8);
            buffer.putInt(8).putLong(updatedAt);
        }

        // The indices as int8[] and the values as float4[]: header (dimensions, no nulls, element type), the one
        // dimension's length and lower bound 1, then each element with its length. No sparse values: two NULLs.
        void sparse(SparseValues sparse) throws SQLException {
            if (sparse == null) {
                ensure(8);
                buffer.putInt(-1).putInt(-1);
                return;
            }
            int size = sparse.size();
            arrayHeader(size, INT8_OID, 8);
            for (int i = 0; i < size; i++) {
                ensure(12);
                buffer.putInt(8).putLong(sparse.index(i));
            }
            arrayHeader(size, FLOAT4_OID, 4);
            for (int i = 0; i < size; i++) {
                ensure(8);
                buffer.putInt(4).putFloat(sparse.value(i));
            }
        }

        private void arrayHeader(int size, int elementType, int elementBytes) throws SQLException {
            ensure(4 + 20);
            if (size == 0) {
                buffer.putInt(12).putInt(0).putInt(0).putInt(elementType);
                return;
            }
            buffer.putInt(20 + size * (4 + elementBytes)).putInt(1).putInt(0).putInt(elementType).putInt(size).putInt(1);
        }

        void trailer() throws SQLException {
            ensure(2);
            buffer.putShort((short) -1);
            flush();
        }

        private void vector(VectorRecord record) throws SQLException {
            int dimension = record.dimension();
            ensure(4 + 4);
            buffer.putInt(4 + 4 * dimension).putShort((short) dimension).putShort((short) 0);
            for (int i = 0; i < dimension; i++) {
                ensure(4);
                buffer.putFloat(record.value(i));
            }
        }

        private void bytes(byte[] value) throws SQLException {
            ensure(4);
            if (value == null) {
                buffer.putInt(-1);
                return;
            }
            buffer.putInt(value.length);
            raw(value);
        }

        private void raw(byte[] value) throws SQLException {
            int offset = 0;
            while (offset < value.length) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int chunk = Math.min(buffer.remaining(), value.length - offset);
                buffer.put(value, offset, chunk);
                offset += chunk;
            }
        }

        private void ensure(int bytes) throws SQLException {
            if (buffer.remaining() < bytes) {
                flush();
            }
        }

        private void flush() throws SQLException {
            if (buffer.position() > 0) {
                copy.writeToCopy(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
    }
}
