package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the migration benchmark (throughput against raw COPY, peak heap) on the test harness's PostgreSQL. Not a
 * test: only the {@code benchmark} Maven profile runs it; the report goes to
 * {@code benchmarks/target/benchmark-migration.txt}.
 */
@ExtendWith(PostgresExtension.class)
class MigrationBenchmarkRun {

    @Test
    void run(TestDatabase db) throws Exception {
        BenchmarkRuns.run("benchmark-migration.txt",
                (options, out) -> new MigrationBenchmark(VectorStoreConfig.of(db.config()), options, out).run());
    }
}
