package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the batched-ingest benchmark ({@link IngestBenchmark}) on the test harness's PostgreSQL. Not a test: nothing
 * is asserted; only the {@code benchmark} Maven profile runs it. Besides the shared {@code -Dbenchmark.*} options
 * ({@code dataset}, {@code repetitions}), {@code -Dbenchmark.ingestRows} (20,000) and
 * {@code -Dbenchmark.indexedRows} (4,000) set the records per pass into the key-only and the HNSW-indexed table,
 * {@code -Dbenchmark.copyThreshold} the store's {@code PGVECTOR_COPY_THRESHOLD} (its default when absent); the
 * report is printed and written to {@code benchmarks/target/benchmark-ingest.txt}.
 */
@ExtendWith(PostgresExtension.class)
class IngestBenchmarkRun {

    @Test
    void run(TestDatabase db) throws Exception {
        int plainRows = Integer.getInteger("benchmark.ingestRows", 20_000);
        int indexedRows = Integer.getInteger("benchmark.indexedRows", 4_000);
        Integer copyThreshold = Integer.getInteger("benchmark.copyThreshold");
        BenchmarkRuns.run("benchmark-ingest.txt", (options, out) -> new IngestBenchmark(VectorStoreConfig.of(db.config()),
                options, plainRows, indexedRows, copyThreshold, out).run());
    }
}
