package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the partition benchmark (a small tenant beside a large one, shared index vs partitions) on the test harness's
 * PostgreSQL. Not a test: nothing is asserted; only the {@code benchmark} Maven profile runs it. Tenant sizes are
 * {@code -Dbenchmark.smallRows} (2,000) and {@code -Dbenchmark.largeRows} (100,000); the report is written to
 * {@code benchmarks/target/benchmark-partitions.txt}.
 */
@ExtendWith(PostgresExtension.class)
class PartitionBenchmarkRun {

    @Test
    void run(TestDatabase db) throws Exception {
        int small = Integer.getInteger("benchmark.smallRows", 2_000);
        int large = Integer.getInteger("benchmark.largeRows", 100_000);
        BenchmarkRuns.run("benchmark-partitions.txt", (options, out) ->
                new PartitionBenchmark(VectorStoreConfig.of(db.config()), options, small, large, out).run());
    }
}
