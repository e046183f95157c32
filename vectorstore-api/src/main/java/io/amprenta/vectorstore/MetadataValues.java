package io.amprenta.vectorstore;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings metadata to Pinecone's type system, the one every backend shares: strings, finite numbers as
 * {@link Double}, booleans, and lists of strings. Anything else is rejected here, naming the record and
 * the field, so that no backend ever sees a value another backend could not store.
 */
final class MetadataValues {

    private MetadataValues() {
    }

    /** An unmodifiable, insertion-ordered, normalized copy; {@code recordId} may be null for messages. */
    static Map<String, Object> normalize(String recordId, Map<String, ?> metadata) {
        if (metadata instanceof DeferredMetadata deferred) {
            // Normalized when it is made; reading it now would defeat the deferral.
            return deferred;
        }
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>(metadata.size() * 2);
        for (Map.Entry<String, ?> entry : metadata.entrySet()) {
            String key = entry.getKey();
            if (key == null || key.isEmpty()) {
                throw unsupported(recordId, "a metadata key is " + (key == null ? "null" : "empty")
                        + "; keys must be non-empty strings");
            }
            copy.put(key, normalizeValue(recordId, key, entry.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object normalizeValue(String recordId, String key, Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Double number) {
            return finite(recordId, key, number);
        }
        if (value instanceof Number number) {
            return finite(recordId, key, toDouble(number));
        }
        if (value instanceof Collection<?> list) {
            return stringList(recordId, key, list);
        }
        if (value instanceof String[] array) {
            return stringList(recordId, key, List.of(array));
        }
        throw unsupported(recordId, "metadata field '" + key + "' is "
                + (value == null ? "null" : "of type " + value.getClass().getName())
                + "; metadata values must be strings, numbers, booleans or lists of strings (drop the field"
                + " or convert it, e.g. to a string)");
    }

    private static double toDouble(Number number) {
        return number instanceof BigDecimal decimal ? decimal.doubleValue() : number.doubleValue();
    }

    private static Double finite(String recordId, String key, double number) {
        if (!Double.isFinite(number)) {
            throw unsupported(recordId, "metadata field '" + key + "' is " + number
                    + "; numbers in metadata must be finite");
        }
        // -0.0 becomes 0.0: PostgreSQL's jsonb (numeric has no negative zero) would turn it into 0 on the way, so a
        // copied record would differ from its source although every filter treats the two alike (ARCHITECTURE.md,
        // "Nothing lost on the way": one representation of each value on every backend).
        return number == 0 ? 0.0 : number;
    }

    private static List<String> stringList(String recordId, String key, Collection<?> list) {
        List<String> strings = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof CharSequence text)) {
                throw unsupported(recordId, "metadata field '" + key + "' is a list holding "
                        + (element == null ? "null" : "a " + element.getClass().getName())
                        + "; lists in metadata may hold strings only");
            }
            strings.add(text.toString());
        }
        return List.copyOf(strings);
    }

    private static InvalidRequestException unsupported(String recordId, String problem) {
        String subject = recordId == null ? "A record's " : "Record '" + recordId + "': ";
        return new InvalidRequestException(ErrorCode.UNSUPPORTED_METADATA, subject + problem + ".");
    }
}
