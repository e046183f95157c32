package io.amprenta.vectorstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.VectorRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataJsonTest {

    private static int serialized(Map<String, Object> metadata) {
        return MetadataJson.write(metadata).getBytes(StandardCharsets.UTF_8).length;
    }

    private static Map<String, Object> normalized(Map<String, Object> raw) {
        return VectorRecord.of("x", new float[] {1}, raw).metadata();
    }

    @Test
    void theComputedSizeEqualsTheSerializedSizeOnEdgeCases() {
        List<Map<String, Object>> cases = List.of(
                Map.of(),
                Map.of("a", ""),
                Map.of("quote\"back\\slash", "tab\tnew\nline\rform\fback\b"),
                Map.of("control", "\u0001\u001f\u007f"),
                Map.of("unicode", "é ✓ 日本 😀 \uFFFF"),
                Map.of("n", 7, "m", -0.0, "big", 1e300, "small", 1.5e-300, "frac", 0.1, "max", Long.MAX_VALUE),
                Map.of("t", true, "f", false),
                Map.of("list", List.of(), "strings", List.of("a", "é", "\"")));
        for (Map<String, Object> raw : cases) {
            Map<String, Object> metadata = normalized(raw);
            assertThat(MetadataJson.sizeInBytes(metadata)).as(MetadataJson.write(metadata)).isEqualTo(serialized(metadata));
        }
    }

    @Test
    void theComputedSizeEqualsTheSerializedSizeOnRandomMetadata() {
        Random random = new Random(9);
        for (int round = 0; round < 2_000; round++) {
            Map<String, Object> raw = new LinkedHashMap<>();
            int fields = random.nextInt(6);
            for (int f = 0; f < fields; f++) {
                String key = randomText(random);
                raw.put(key.isEmpty() ? "k" : key, switch (random.nextInt(4)) {
                    case 0 -> randomText(random);
                    case 1 -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
                    case 2 -> random.nextBoolean();
                    default -> List.of(randomText(random), randomText(random));
                });
            }
            Map<String, Object> metadata = normalized(raw);
            assertThat(MetadataJson.sizeInBytes(metadata)).as(MetadataJson.write(metadata)).isEqualTo(serialized(metadata));
        }
    }

    @Test
    void anUnpairedSurrogateFallsBackToSerializing() {
        Map<String, Object> metadata = normalized(Map.of("broken", "a\uD800b"));
        assertThat(MetadataJson.sizeInBytes(metadata)).isEqualTo(serialized(metadata));
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(switch (random.nextInt(5)) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x20 + random.nextInt(0x60);
                case 2 -> 0x80 + random.nextInt(0x780);
                case 3 -> 0x800 + random.nextInt(0xD000);
                default -> 0x10000 + random.nextInt(0x1000);
            });
        }
        return text.toString();
    }
}
