package io.amprenta.vectorstore.pinecone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: a Struct as the JSON text it stands for. */
final class StructJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StructJson() {
    }

    static String of(Struct struct) {
        try {
            return JSON.writeValueAsString(plain(Value.newBuilder().setStructValue(struct).build()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object plain(Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case BOOL_VALUE -> value.getBoolValue();
            case NULL_VALUE, KIND_NOT_SET -> null;
            case LIST_VALUE -> value.getListValue().getValuesList().stream().map(StructJson::plain).toList();
            case STRUCT_VALUE -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                value.getStructValue().getFieldsMap().forEach((key, field) -> fields.put(key, plain(field)));
                yield fields;
            }
        };
    }
}
