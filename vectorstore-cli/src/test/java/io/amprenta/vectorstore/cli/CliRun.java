package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.VectorStoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One run of the command line with an explicit environment: its exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VectorstoreCli.execute(args, VectorStoreConfig.of(environment), new PrintWriter(out, true),
                new PrintWriter(err, true), false);
        return new CliRun(code, out.toString(), err.toString());
    }
}
