package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.internal.MetadataJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * The baseline for ingest: the same rows written with one plain binary {@code COPY} through the driver, the fastest
 * way into PostgreSQL, with nothing of the library involved (no lookup, no staging, no conflict handling). Rows are
 * encoded into a reused buffer and written a row at a time, so the baseline pays no per-byte overhead.
 */
public final class RawCopy {

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

    private RawCopy() {
    }

    /**
     * Copies {@code copies} times every base row, as rows {@link PgVectorBenchmark#id(int, int)} with their vectors and
     * {@link PgVectorBenchmark#metadataJson}, into {@code table} (namespace, id, embedding, embedding_model, vectorstore_metadata,
     * embedding_updated_at) in one COPY and one transaction.
     */
    public static void copy(Connection connection, String table, float[][] base, int copies) throws SQLException, IOException {
        connection.setAutoCommit(false);
        String sql = "COPY " + table + " (namespace, id, embedding, embedding_model, vectorstore_metadata, embedding_updated_at)"
                + " FROM STDIN (FORMAT BINARY)";
        long now = System.currentTimeMillis() * 1000 - POSTGRES_EPOCH_MICROS;
        ByteBuffer row = ByteBuffer.allocate(64 * 1024);
        try (OutputStream out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), sql, 1 << 20)) {
            out.write(HEADER);
            for (int copy = 0; copy < copies; copy++) {
                for (int index = 0; index < base.length; index++) {
                    row.clear();
                    encode(row, PgVectorBenchmark.id(copy, index), base[index], PgVectorBenchmark.metadataJson(index), now);
                    out.write(row.array(), 0, row.position());
                }
            }
            out.write(new byte[] {(byte) 0xFF, (byte) 0xFF});
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    /**
     * Copies {@code records} (their ids, vectors and metadata, namespace {@code ''}, no model) into {@code table} in one
     * binary COPY inside the connection's current transaction, as an application writing a batch by hand would; the
     * caller begins and commits. Used for the batched-ingest baseline ({@link IngestBenchmark}).
     */
    public static void copyRecords(Connection connection, String table, List<VectorRecord> records)
            throws SQLException, IOException {
        String sql = "COPY " + table + " (namespace, id, embedding, embedding_model, vectorstore_metadata, embedding_updated_at)"
                + " FROM STDIN (FORMAT BINARY)";
        long now = System.currentTimeMillis() * 1000 - POSTGRES_EPOCH_MICROS;
        ByteBuffer row = ByteBuffer.allocate(64 * 1024);
        try (OutputStream out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), sql, 1 << 20)) {
            out.write(HEADER);
            for (VectorRecord record : records) {
                row.clear();
                encode(row, record.id(), record.values(), MetadataJson.write(record.metadata()), now);
                out.write(row.array(), 0, row.position());
            }
            out.write(new byte[] {(byte) 0xFF, (byte) 0xFF});
        }
    }

    private static void encode(ByteBuffer row, String id, float[] vector, String metadata, long now) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] json = metadata.getBytes(StandardCharsets.UTF_8);
        row.putShort((short) 6);
        row.putInt(0);                                   // namespace ''
        row.putInt(idBytes.length).put(idBytes);
        row.putInt(4 + 4 * vector.length).putShort((short) vector.length).putShort((short) 0);
        for (float value : vector) {
            row.putFloat(value);
        }
        row.putInt(-1);                                  // embedding_model NULL
        row.putInt(json.length + 1).put((byte) 1).put(json);
        row.putInt(8).putLong(now);
    }
}
