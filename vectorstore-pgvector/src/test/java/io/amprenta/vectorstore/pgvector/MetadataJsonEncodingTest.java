package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.internal.MetadataJson;
import io.amprenta.vectorstore.testkit.TestData;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The metadata pgvector writes (jsonb text in INSERTs and binary COPY) is {@link MetadataJson#write}, whose direct
 * writer must produce exactly what Jackson produces: the bytes stored, and the size checked against the 40 KB limit.
 */
class MetadataJsonEncodingTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    private static String jackson(Map<String, Object> metadata) throws Exception {
        return JACKSON.writeValueAsString(metadata);
    }

    @Test
    void writesWhatTheLibrarysSerializerWrites() throws Exception {
        Random random = new Random(8);
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> metadata = VectorRecord.of("r", new float[] {1}, TestData.randomMetadata(random)).metadata();
            assertThat(MetadataJson.write(metadata)).isEqualTo(jackson(metadata));
            assertThat(MetadataJson.sizeInBytes(metadata))
                    .isEqualTo(MetadataJson.write(metadata).getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void awkwardTextAndNumbersAreWrittenTheSameWay() throws Exception {
        Map<String, Object> awkward = new LinkedHashMap<>();
        awkward.put("quote\"back\\slash", "line\nfeed\ttab\r\b\f\u0001\u001f end");
        awkward.put("ünïcode ✓ 😀", "\u2028 / <script>");
        awkward.put("tiny", 1e-300);
        awkward.put("huge", 9.007199254740991E15);
        awkward.put("negative zero", -0.0);
        awkward.put("third", 1.0 / 3);
        awkward.put("flag", false);
        awkward.put("empty", List.of());
        awkward.put("tags", List.of("a\"b", ""));
        Map<String, Object> metadata = VectorRecord.of("r", new float[] {1}, awkward).metadata();

        assertThat(MetadataJson.write(metadata)).isEqualTo(jackson(metadata));
        assertThat(MetadataJson.write(Map.of())).isEqualTo("{}");
    }
}
