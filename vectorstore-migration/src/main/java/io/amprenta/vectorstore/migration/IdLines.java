package io.amprenta.vectorstore.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The id file format of {@code verify --missing-ids-out}, {@code migrate --failed-ids-out} and {@code migrate --id-file}:
 * one id per line as a JSON string ({@code "doc 1\t"}), so that any id Pinecone allows travels unchanged, leading and
 * trailing spaces, tabs, newlines and other control characters included. Plain lines (one bare id per line, as
 * people write them by hand) are still read: a line that does not start with {@code "} is an id with its surrounding
 * whitespace removed, and blank lines and lines starting with {@code #} are skipped. An id that starts with a quote
 * or has surrounding whitespace must therefore be written as JSON.
 */
public final class IdLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IdLines() {
    }

    /** {@code id} as one line of an id file (a JSON string, without the line break). */
    public static String format(String id) {
        try {
            return JSON.writeValueAsString(id);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always has a JSON form", e);
        }
    }

    /**
     * The id on one line of an id file; empty for a blank line or a {@code #} comment.
     *
     * @param where the file and line number, for the error message
     * @throws ConfigurationException when a line starting with {@code "} is not one JSON string
     */
    public static Optional<String> parse(String line, String where) {
        if (!line.startsWith("\"")) {
            String plain = line.strip();
            return plain.isEmpty() || plain.startsWith("#") ? Optional.empty() : Optional.of(plain);
        }
        try {
            Object value = JSON.readValue(line, Object.class);
            if (value instanceof String id) {
                return Optional.of(id);
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new ConfigurationException(ErrorCode.INVALID_SETTING, where + " starts with a quote but is not one JSON"
                + " string. Id files hold one id per line, either as a JSON string (\"doc 1\", any id) or bare (doc-1,"
                + " surrounding whitespace removed).");
    }

    /** Writes {@code ids} to {@code file}, one JSON string per line, replacing the file. */
    public static void write(Path file, Iterable<String> ids) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String id : ids) {
                writer.write(format(id));
                writer.write('\n');
            }
        }
    }
}
