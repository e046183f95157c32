package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the hybrid search benchmark on the test harness's PostgreSQL (a throwaway cluster, or
 * {@code VECTORSTORE_TEST_DATABASE_URL}). Not a test: nothing is asserted; only the {@code benchmark} Maven profile
 * runs it. Options are {@code -Dbenchmark.<option>=value}; the report is printed and written to
 * {@code benchmarks/target/benchmark-hybrid.txt}.
 */
@ExtendWith(PostgresExtension.class)
class HybridBenchmarkRun {

    @Test
    void run(TestDatabase db) throws Exception {
        BenchmarkRuns.run("benchmark-hybrid.txt",
                (options, out) -> new HybridBenchmark(VectorStoreConfig.of(db.config()), options, out).run());
    }
}
