package io.amprenta.vectorstore.pinecone;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.spi.Limits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Record metadata to and from protobuf {@link Struct}, Pinecone's wire form. Our metadata holds exactly
 * Pinecone's types (strings, doubles, booleans, lists of strings), so the conversion is lossless both
 * ways; numbers are doubles on the wire, which is why they come back as {@link Double}.
 */
final class MetadataStructs {

    private MetadataStructs() {
    }

    /** Normalized metadata (as held by a {@code VectorRecord}) as a Struct. */
    static Struct toStruct(Map<String, Object> metadata) {
        Struct.Builder struct = Struct.newBuilder();
        metadata.forEach((key, value) -> struct.putFields(key, toValue(value)));
        return struct.build();
    }

    static Value toValue(Object value) {
        if (value instanceof String text) {
            return Value.newBuilder().setStringValue(text).build();
        }
        if (value instanceof Number number) {
            return Value.newBuilder().setNumberValue(number.doubleValue()).build();
        }
        if (value instanceof Boolean flag) {
            return Value.newBuilder().setBoolValue(flag).build();
        }
        if (value instanceof List<?> list) {
            ListValue.Builder elements = ListValue.newBuilder();
            list.forEach(element -> elements.addValues(toValue(element)));
            return Value.newBuilder().setListValue(elements).build();
        }
        // VectorRecord admits nothing else; reaching here is a bug, not bad input.
        throw new IllegalStateException("unexpected metadata value of type " + value.getClass().getName());
    }

    /**
     * Metadata that Pinecone returned. A value Pinecone's own rules exclude (null, a nested object, a list
     * holding a non-string) can only come from data written by other means; it is reported, never dropped
     * or coerced, so that nothing is silently changed on its way out of Pinecone.
     */
    static Map<String, Object> fromStruct(String id, Struct struct) {
        Map<String, Object> metadata = new LinkedHashMap<>(struct.getFieldsCount() * 2);
        struct.getFieldsMap().forEach((key, value) -> metadata.put(key, fromValue(id, key, value)));
        return metadata;
    }

    private static Object fromValue(String id, String key, Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case BOOL_VALUE -> value.getBoolValue();
            case LIST_VALUE -> {
                List<String> strings = new ArrayList<>(value.getListValue().getValuesCount());
                for (Value element : value.getListValue().getValuesList()) {
                    if (element.getKindCase() != Value.KindCase.STRING_VALUE) {
                        throw unrepresentable(id, key, "a list holding " + describe(element));
                    }
                    strings.add(element.getStringValue());
                }
                yield strings;
            }
            default -> throw unrepresentable(id, key, describe(value));
        };
    }

    private static String describe(Value value) {
        return switch (value.getKindCase()) {
            case NULL_VALUE -> "null";
            case STRUCT_VALUE -> "a nested object";
            case LIST_VALUE -> "a list";
            case NUMBER_VALUE -> "a number";
            case BOOL_VALUE -> "a boolean";
            case STRING_VALUE -> "a string";
            case KIND_NOT_SET -> "an empty value";
        };
    }

    private static VectorStoreException unrepresentable(String id, String key, String what) {
        return new VectorStoreException(ErrorCode.UNSUPPORTED_METADATA, "Pinecone returned record "
                + Limits.quoteId(id) + " with metadata field '" + key + "' holding " + what + ", which is not one of"
                + " Pinecone's metadata types (string, number, boolean, list of strings). It was written by other"
                + " means; rewrite that record's metadata, e.g. with Pinecone's update operation.");
    }
}
