package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStoreException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataStructsTest {

    @Test
    void everyMetadataTypeRoundTripsWithNumbersAsDoubles() {
        Map<String, Object> metadata = VectorRecord.of("r", new float[] {1}, Map.of(
                "text", "Ünïcødé \"quoted\" \\ ✓",
                "int", 7,
                "long", 9_007_199_254_740_991L,
                "float", 0.125f,
                "negative", -3.5,
                "flag", true,
                "tags", List.of("x", "", "y"),
                "empty", List.of())).metadata();

        Struct struct = MetadataStructs.toStruct(metadata);
        Map<String, Object> back = MetadataStructs.fromStruct("r", struct);

        assertThat(back).isEqualTo(metadata);
        assertThat(back.get("int")).isEqualTo(7.0);
        assertThat(back.get("long")).isEqualTo(9.007199254740991E15);
        assertThat(struct.getFieldsMap().get("tags").getListValue().getValuesCount()).isEqualTo(3);
        assertThat(struct.getFieldsMap().get("flag").getBoolValue()).isTrue();
    }

    @Test
    void valuesPineconeCannotHoldAreReportedNotDropped() {
        Value nested = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("a", Value.newBuilder().setNumberValue(1).build())).build();
        Value numbers = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(Value.newBuilder().setNumberValue(1))).build();
        Value nothing = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

        for (Value odd : List.of(nested, numbers, nothing)) {
            assertThatThrownBy(() -> MetadataStructs.fromStruct("odd-record", Struct.newBuilder().putFields("field", odd).build()))
                    .isInstanceOfSatisfying(VectorStoreException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_METADATA))
                    .hasMessageContaining("'odd-record'").hasMessageContaining("'field'");
        }
    }
}
