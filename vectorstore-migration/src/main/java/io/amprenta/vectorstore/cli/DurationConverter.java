package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStoreConfig;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code 500ms}, {@code 30s}, {@code 5m} or {@code PT30S}, as the configuration does. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return VectorStoreConfig.of(Map.of("option", value)).getDuration("option", Duration.ZERO);
    }
}
