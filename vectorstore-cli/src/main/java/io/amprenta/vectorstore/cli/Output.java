package io.amprenta.vectorstore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;

/**
 * Where a command writes: results to {@code out} (a table for people, or one JSON document with
 * {@code --json}), progress and diagnostics to {@code err}, so that {@code --json > file} captures only
 * the result.
 */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean terminal;

    Output(PrintWriter out, PrintWriter err, boolean json, boolean terminal) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.terminal = terminal;
    }

    boolean json() {
        return json;
    }

    /** Whether progress may redraw a line in place (an interactive terminal). */
    boolean terminal() {
        return terminal;
    }

    /** A line of the human-readable result; suppressed with --json. */
    void line(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    /** The machine-readable result; printed only with --json. */
    void result(Object value) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
            }
            out.flush();
        }
    }

    /** A diagnostic or progress line. */
    void info(String text) {
        err.println(text);
        err.flush();
    }

    /** Redraws the progress line in place on a terminal. */
    void progress(String text) {
        err.print("\r" + text + "\u001b[K");
        err.flush();
    }

    /** Ends an in-place progress line. */
    void endProgress() {
        if (terminal) {
            err.println();
            err.flush();
        }
    }
}
