package io.amprenta.vectorstore.testkit.pinecone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.amprenta.vectorstore.filter.Filter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between protobuf {@link Struct}s (how the Pinecone protocol carries metadata and filters)
 * and plain Java values, the way the Pinecone service does: metadata may hold strings, numbers, booleans
 * and lists of strings only; anything else is a client error.
 */
final class StructValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StructValues() {
    }

    /** Metadata of a stored record: strings, doubles, booleans, lists of strings. */
    static Map<String, Object> toMetadata(String id, Struct struct) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> metadata.put(key, metadataValue(id, key, value)));
        return metadata;
    }

    private static Object metadataValue(String id, String key, Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case BOOL_VALUE -> value.getBoolValue();
            case LIST_VALUE -> {
                List<String> strings = new ArrayList<>();
                for (Value element : value.getListValue().getValuesList()) {
                    if (element.getKindCase() != Value.KindCase.STRING_VALUE) {
                        throw new IllegalArgumentException("Metadata value for field '" + key + "' of vector '" + id
                                + "' must be a list of strings");
                    }
                    strings.add(element.getStringValue());
                }
                yield strings;
            }
            default -> throw new IllegalArgumentException("Metadata value for field '" + key + "' of vector '" + id
                    + "' must be a string, number, boolean or list of strings, but is " + value.getKindCase());
        };
    }

    /** The inverse of {@link #toMetadata}. */
    static Struct toStruct(Map<String, Object> metadata) {
        Struct.Builder struct = Struct.newBuilder();
        metadata.forEach((key, value) -> struct.putFields(key, toValue(value)));
        return struct.build();
    }

    private static Value toValue(Object value) {
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
        throw new IllegalStateException("stored metadata holds a " + value.getClass().getName());
    }

    /**
     * The filter a request carries, parsed by the reference parser from its JSON form, so that the emulator
     * interprets filters exactly as {@link Filter#test} specifies.
     *
     * @throws io.amprenta.vectorstore.InvalidFilterException when the filter is malformed
     */
    static Filter toFilter(Struct struct) {
        try {
            return Filter.fromJson(JSON.writeValueAsString(plain(Value.newBuilder().setStructValue(struct).build())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a protobuf Struct is always serializable", e);
        }
    }

    private static Object plain(Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case BOOL_VALUE -> value.getBoolValue();
            case NULL_VALUE, KIND_NOT_SET -> null;
            case LIST_VALUE -> value.getListValue().getValuesList().stream().map(StructValues::plain).toList();
            case STRUCT_VALUE -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                value.getStructValue().getFieldsMap().forEach((key, field) -> fields.put(key, plain(field)));
                yield fields;
            }
        };
    }
}
