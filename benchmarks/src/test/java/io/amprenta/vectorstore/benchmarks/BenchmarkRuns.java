package io.amprenta.vectorstore.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the benchmark runners share: options from {@code -Dbenchmark.*} and a report printed and kept in a file. */
final class BenchmarkRuns {

    /** A benchmark writing its report to a stream. */
    interface Benchmark {
        void run(BenchmarkOptions options, PrintStream out) throws Exception;
    }

    private BenchmarkRuns() {
    }

    /** Runs {@code benchmark}, printing its report and writing it to {@code benchmarks/target/<reportName>}. */
    static void run(String reportName, Benchmark benchmark) throws Exception {
        Map<String, String> options = new HashMap<>();
        System.getProperties().forEach((key, value) -> {
            if (key.toString().startsWith("benchmark.")) {
                options.put(key.toString().substring("benchmark.".length()), value.toString());
            }
        });
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, copy), true, StandardCharsets.UTF_8);
        benchmark.run(BenchmarkOptions.from(options), out);
        Path report = Path.of("target", reportName);
        Files.createDirectories(report.getParent());
        Files.write(report, copy.toByteArray());
        System.out.println("report written to " + report.toAbsolutePath());
    }

    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
