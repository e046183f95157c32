package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.Setting;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 500ms}, {@code 30s}, {@code 5m} or {@code PT30S}, as the configuration does. */
final class DurationConverter implements ITypeConverter<Duration> {

    // Only its parser is used: the same one every duration key of the configuration goes through.
    private static final Setting<Duration> FORMAT = Setting.duration("duration", null, Duration.ZERO, "a duration option");

    @Override
    public Duration convert(String value) {
        try {
            return FORMAT.parse(value);
        } catch (ConfigurationException e) {
            throw new TypeConversionException("'" + value + "' is not " + FORMAT.expected());
        }
    }
}
