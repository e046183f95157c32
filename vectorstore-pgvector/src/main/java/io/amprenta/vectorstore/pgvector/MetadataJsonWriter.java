package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.internal.MetadataJson;
import java.util.List;
import java.util.Map;

/**
 * Writes normalized metadata (strings, finite {@code Double}s, booleans, lists of strings: what
 * {@link io.amprenta.vectorstore.VectorRecord} holds) as compact JSON, the same text {@link MetadataJson#write}
 * produces, without a general-purpose serializer's per-call setup. Bulk writes serialize every record once on the
 * client while PostgreSQL ingests on the same machine's cores, so this shows in the ingest rate; a unit test keeps
 * the output identical to {@link MetadataJson#write}.
 */
final class MetadataJsonWriter {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MetadataJsonWriter() {
    }

    /** The JSON object for {@code metadata}. */
    public static String write(Map<String, Object> metadata) {
        if (metadata.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder(32 * metadata.size());
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            string(json, entry.getKey());
            json.append(':');
            value(json, entry.getValue());
        }
        return json.append('}').toString();
    }

    private static void value(StringBuilder json, Object value) {
        if (value instanceof String text) {
            string(json, text);
        } else if (value instanceof Double number) {
            json.append(number.doubleValue());
        } else if (value instanceof Boolean bool) {
            json.append(bool.booleanValue());
        } else if (value instanceof List<?> list) {
            json.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                value(json, list.get(i));
            }
            json.append(']');
        } else {
            throw new IllegalArgumentException("not normalized metadata: " + (value == null ? "null" : value.getClass()));
        }
    }

    // JSON string escaping as Jackson does it by default: quote, backslash and control characters only.
    private static void string(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
