package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.internal.MetadataJson;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the metadata column of rows the library may not have written: an application (or a person with psql) can
 * store any JSON there, while a record's metadata holds only Pinecone's types. Values outside that model never fail
 * a read (one foreign row must not break a fetch or a query of many): a nested object, a list holding anything but
 * strings, or a number too large for a double is returned as its JSON text under its key; a JSON {@code null} and
 * an empty key are dropped; a column value that is not a JSON object reads as no metadata. Each such row is logged
 * (WARN once per process, then DEBUG) with its id and key. See ARCHITECTURE.md, "The application's table".
 */
final class StoredMetadata {

    private static final Logger LOG = LoggerFactory.getLogger(StoredMetadata.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicLong CONVERTED = new AtomicLong();

    private StoredMetadata() {
    }

    /** The metadata of the row {@code id}, from its column's JSON text (null reads as none). */
    public static Map<String, Object> read(String id, String json) {
        Map<String, Object> parsed;
        try {
            parsed = MetadataJson.read(json);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null) {
            report(id, null, "is not a JSON object; read as no metadata");
            return Map.of();
        }
        Map<String, Object> metadata = null;
        for (Map.Entry<String, Object> entry : parsed.entrySet()) {
            Object value = entry.getValue();
            if (inModel(entry.getKey(), value)) {
                if (metadata != null) {
                    metadata.put(entry.getKey(), value);
                }
                continue;
            }
            if (metadata == null) {
                metadata = new LinkedHashMap<>();
                for (Map.Entry<String, Object> earlier : parsed.entrySet()) {
                    if (earlier.getKey().equals(entry.getKey())) {
                        break;
                    }
                    metadata.put(earlier.getKey(), earlier.getValue());
                }
            }
            if (value == null || entry.getKey().isEmpty()) {
                report(id, entry.getKey(), value == null ? "is null; dropped" : "is an empty key; dropped");
            } else {
                report(id, entry.getKey(), "is outside Pinecone's metadata types; returned as its JSON text");
                metadata.put(entry.getKey(), MetadataJson.writeValue(value));
            }
        }
        return metadata == null ? parsed : metadata;
    }

    /** How many values were converted or dropped since the process started (for tests and diagnostics). */
    static long converted() {
        return CONVERTED.get();
    }

    private static boolean inModel(String key, Object value) {
        if (key.isEmpty() || value == null) {
            return false;
        }
        if (value instanceof String || value instanceof Boolean) {
            return true;
        }
        if (value instanceof Number number) {
            return Double.isFinite(number.doubleValue());
        }
        return value instanceof Collection<?> list && list.stream().allMatch(String.class::isInstance);
    }

    private static void report(String id, String key, String what) {
        CONVERTED.incrementAndGet();
        String message = "Row {} has metadata{} that {}. Rows the application writes should hold strings, numbers,"
                + " booleans or lists of strings there.";
        String field = key == null ? "" : " key '" + key + "'";
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn(message + " (Further rows like it are logged at DEBUG.)", id, field, what);
        } else {
            LOG.debug(message, id, field, what);
        }
    }
}
