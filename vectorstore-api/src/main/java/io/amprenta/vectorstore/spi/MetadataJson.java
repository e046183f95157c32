package io.amprenta.vectorstore.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metadata as compact JSON: how its size is measured against Pinecone's 40 KB limit, and how backends
 * that store JSON (pgvector's {@code jsonb}) write and read it.
 */
public final class MetadataJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private MetadataJson() {
    }

    /** Compact JSON of normalized metadata (numbers, strings, booleans, lists of strings). */
    public static String write(Map<String, Object> metadata) {
        try {
            return MAPPER.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not serializable: " + e.getOriginalMessage(), e);
        }
    }

    /** The size of {@link #write} in UTF-8 bytes. */
    public static int sizeInBytes(Map<String, Object> metadata) {
        return metadata.isEmpty() ? 2 : write(metadata).getBytes(StandardCharsets.UTF_8).length;
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
