package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Converts a {@link TextSegment} to stored metadata and back, in the layout of LangChain4j's Pinecone store: the text
 * under the text key, UUIDs as strings, every number as a double (Pinecone stores nothing else).
 *
 * <p>One addition keeps {@code Long} values exact: a long that a double cannot hold (beyond 2<sup>53</sup>, e.g.
 * {@code 1746714878034235396}) is stored as that double, so filters on it behave as on Pinecone, and also as a
 * decimal string under {@value #EXACT_LONG_PREFIX}{@code <key>}, from which it is read back. Other readers see one
 * extra string entry for such values only.
 */
final class MetadataMapper {

    /** Prefix of the entries that carry the exact value of a long a double cannot represent. */
    static final String EXACT_LONG_PREFIX = "__exact_long__.";

    private final String textKey;
    private final boolean exactLongs;

    MetadataMapper(String textKey, boolean exactLongs) {
        this.textKey = textKey;
        this.exactLongs = exactLongs;
    }

    /** The stored metadata of {@code segment} (null: no segment, no metadata). */
    Map<String, Object> toStored(String id, TextSegment segment) {
        if (segment == null) {
            return Map.of();
        }
        Map<String, Object> stored = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : segment.metadata().toMap().entrySet()) {
            String key = entry.getKey();
            if (key.equals(textKey)) {
                throw new IllegalArgumentException("Segment '" + id + "' has a metadata key '" + key + "', which holds the"
                        + " segment's text in this store. Rename the metadata key, or choose another textKey(...).");
            }
            if (key.startsWith(EXACT_LONG_PREFIX)) {
                throw new IllegalArgumentException("Segment '" + id + "' has a metadata key '" + key + "'; keys starting with '"
                        + EXACT_LONG_PREFIX + "' are reserved for exact long values.");
            }
            Object value = entry.getValue();
            if (value instanceof UUID uuid) {
                stored.put(key, uuid.toString());
            } else if (value instanceof Number number) {
                double asDouble = number.doubleValue();
                stored.put(key, asDouble);
                if (exactLongs && value instanceof Long exact && !representable(exact, asDouble)) {
                    stored.put(EXACT_LONG_PREFIX + key, exact.toString());
                }
            } else {
                stored.put(key, value);
            }
        }
        stored.put(textKey, segment.text());
        return stored;
    }

    /** The segment stored in {@code metadata}, or null when it has no text. */
    TextSegment toSegment(Map<String, Object> metadata) {
        Object text = metadata.get(textKey);
        if (!(text instanceof String string)) {
            return null;
        }
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key.equals(textKey) || key.startsWith(EXACT_LONG_PREFIX)) {
                continue;
            }
            if (value instanceof String || value instanceof Double) {
                // As LangChain4j's Pinecone store reads them: numbers come back as Double.
                values.put(key, value);
            }
            // Booleans and lists (written by other tools) have no LangChain4j Metadata type and are left out,
            // as LangChain4j's Pinecone store does.
        }
        if (exactLongs) {
            for (Map.Entry<String, Object> entry : metadata.entrySet()) {
                if (entry.getKey().startsWith(EXACT_LONG_PREFIX) && entry.getValue() instanceof String exact) {
                    String key = entry.getKey().substring(EXACT_LONG_PREFIX.length());
                    if (values.containsKey(key)) {
                        try {
                            values.put(key, Long.parseLong(exact));
                        } catch (NumberFormatException notOurs) {
                            // Not written by this adapter: keep the double.
                        }
                    }
                }
            }
        }
        return TextSegment.from(string, Metadata.from(values));
    }

    private static boolean representable(long value, double asDouble) {
        // Long.MAX_VALUE rounds up to 2^63, which is out of range; compare exactly rather than through a cast.
        return new BigDecimal(asDouble).compareTo(BigDecimal.valueOf(value)) == 0;
    }
}
