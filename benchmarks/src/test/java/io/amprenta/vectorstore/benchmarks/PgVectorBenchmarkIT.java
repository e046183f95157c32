package io.amprenta.vectorstore.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness runs end to end on small generated data, so that it keeps working without the real data set. Only
 * what it reports is checked, never how fast anything was.
 */
@ExtendWith(PostgresExtension.class)
class PgVectorBenchmarkIT {

    @Test
    void theHarnessReportsEveryFigureOnGeneratedData(TestDatabase db) throws Exception {
        BenchmarkOptions options = BenchmarkOptions.from(Map.of("dataset", "/definitely/not/here/missing", "rows", "1500",
                "dimension", "32", "queries", "20", "ingestCopies", "1", "repetitions", "1", "latencyRounds", "1", "warmUpQueries", "20"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        PgVectorBenchmark.Report report = new PgVectorBenchmark(VectorStoreConfig.of(db.config()), options,
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();

        String text = output.toString(StandardCharsets.UTF_8);
        assertThat(options.dataset()).isEmpty();
        assertThat(text).contains("NOTE:      the real data set was not found at /definitely/not/here/missing", "generated clustered data", "raw binary COPY", "VectorStore.upsert",
                "hand JDBC", "same SQL, plain JDBC", "Recall@10", "pgvector defaults", "== Targets ==");
        assertThat(report.values()).containsKeys("upsert rate / raw binary COPY rate (median of runs)", "query p50 / hand JDBC p50, unfiltered, own pool", "query p50 / hand JDBC p50, 10% filter, DataSource",
                "recall@10 at defaults, unfiltered", "recall@10 at defaults, 10% filter", "rows per top-10 query at defaults, 1% filter");
        assertThat(report.values().get("rows per top-10 query at defaults, 10% filter")).isEqualTo(10.0);
    }
}
