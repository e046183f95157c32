package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the pgvector benchmark on the test harness's PostgreSQL (a throwaway cluster, or
 * {@code VECTORSTORE_TEST_DATABASE_URL}), so one command needs no database set up by hand. Not a test: nothing is
 * asserted; only the {@code benchmark} Maven profile runs it. Options are {@code -Dbenchmark.<option>=value}; the
 * report is printed and written to {@code benchmarks/target/benchmark-pgvector.txt}.
 */
@ExtendWith(PostgresExtension.class)
class PgVectorBenchmarkRun {

    @Test
    void run(TestDatabase db) throws Exception {
        Map<String, String> options = new HashMap<>();
        System.getProperties().forEach((key, value) -> {
            if (key.toString().startsWith("benchmark.")) {
                options.put(key.toString().substring("benchmark.".length()), value.toString());
            }
        });
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, copy), true, StandardCharsets.UTF_8);
        new PgVectorBenchmark(VectorStoreConfig.of(db.config()), BenchmarkOptions.from(options), out).run();
        Path report = Path.of("target", "benchmark-pgvector.txt");
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
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
