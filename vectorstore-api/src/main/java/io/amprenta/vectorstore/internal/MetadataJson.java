package io.amprenta.vectorstore.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata as compact JSON: how its size is measured against Pinecone's 40 KB limit, and how backends
 * that store JSON (pgvector's {@code jsonb}) write and read it.
 */
public final class MetadataJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private MetadataJson() {
    }

    /**
     * Compact JSON of normalized metadata (numbers, strings, booleans, lists of strings), exactly as Jackson writes
     * it. Normalized metadata (what {@link io.amprenta.vectorstore.VectorRecord} holds: strings, doubles, booleans,
     * lists of strings) is written directly, without a general-purpose serializer's per-call setup: bulk writes
     * serialize every record while PostgreSQL ingests on the same machine's cores, so it shows in the ingest rate.
     * Anything else goes through Jackson.
     */
    public static String write(Map<String, Object> metadata) {
        if (metadata.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder(32 * metadata.size());
        json.append('{');
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json, entry.getKey());
            json.append(':');
            if (!appendValue(json, entry.getValue())) {
                return writeWithJackson(metadata);
            }
        }
        return json.append('}').toString();
    }

    private static String writeWithJackson(Map<String, Object> metadata) {
        try {
            return MAPPER.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not serializable: " + e.getOriginalMessage(), e);
        }
    }

    // False for a value that is not normalized metadata (then Jackson writes the whole object).
    private static boolean appendValue(StringBuilder json, Object value) {
        if (value instanceof String text) {
            appendString(json, text);
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
                if (!(list.get(i) instanceof String text)) {
                    return false;
                }
                appendString(json, text);
            }
            json.append(']');
        } else {
            return false;
        }
        return true;
    }

    // JSON string escaping as Jackson does it by default: quote, backslash and control characters only.
    private static void appendString(StringBuilder json, String text) {
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

    /**
     * The size of {@link #write} in UTF-8 bytes, computed without writing it: every backend checks it for
     * every record written, and serializing only to count the bytes was the costliest part of that check.
     * Normalized metadata (strings, doubles, booleans, lists of strings) is counted exactly as Jackson
     * writes it; anything else, or a string with an unpaired surrogate, is measured by serializing.
     */
    public static int sizeInBytes(Map<String, Object> metadata) {
        long size = 2; // {}
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            long value = valueSize(entry.getValue());
            long key = stringSize(entry.getKey());
            if (value < 0 || key < 0) {
                return write(metadata).getBytes(StandardCharsets.UTF_8).length;
            }
            size += key + 1 + value + 1; // "key":value,
        }
        return (int) (metadata.isEmpty() ? size : size - 1);
    }

    private static long valueSize(Object value) {
        if (value instanceof String text) {
            return stringSize(text);
        }
        if (value instanceof Double number) {
            return Double.toString(number).length();
        }
        if (value instanceof Boolean bool) {
            return bool ? 4 : 5;
        }
        if (value instanceof List<?> list) {
            long size = 2; // []
            for (Object element : list) {
                if (!(element instanceof String text) || stringSize(text) < 0) {
                    return -1;
                }
                size += stringSize(text) + 1;
            }
            return list.isEmpty() ? size : size - 1;
        }
        return -1;
    }

    // Quotes plus the UTF-8 bytes of the text as Jackson escapes it: quote, backslash and control characters escaped,
    // everything else (non-ASCII included) written raw. -1 for an unpaired surrogate.
    private static long stringSize(String text) {
        long size = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
                size += 2;
            } else if (c < 0x20) {
                size += 6;
            } else if (c < 0x80) {
                size += 1;
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                size += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                return -1;
            } else {
                size += 3;
            }
        }
        return size;
    }

    /** Any JSON value (a nested object, a list of numbers, ...) as compact JSON text. */
    public static String writeValue(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not serializable: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a JSON object written by {@link #write} (or by PostgreSQL); numbers come back as any {@link Number}. */
    public static Map<String, Object> read(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored metadata is not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
