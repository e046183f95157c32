package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the full-vs-half precision comparison on the test harness's PostgreSQL. Not a test: nothing is asserted;
 * only the {@code benchmark} Maven profile runs it. The report is printed and written to
 * {@code benchmarks/target/benchmark-precision.txt}.
 */
@ExtendWith(PostgresExtension.class)
class IndexPrecisionBenchmarkRun {

    @Test
    void run(TestDatabase db) throws Exception {
        BenchmarkRuns.run("benchmark-precision.txt",
                (options, out) -> new IndexPrecisionBenchmark(VectorStoreConfig.of(db.config()), options, out).run());
    }
}
