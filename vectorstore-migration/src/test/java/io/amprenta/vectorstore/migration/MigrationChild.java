package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A migration in a process of its own, so that tests can kill it with SIGKILL at any instant. Arguments
 * are {@code KEY=VALUE}: the PINECONE_* keys of the source, {@code JDBC_URL}, {@code JDBC_USER},
 * {@code JDBC_PASSWORD} of the target database (whose rag_chunks table is upgraded, with the source's
 * dimension and metric), and {@code RUN_ID}, {@code WORKERS}, {@code BATCH_SIZE}, {@code LEASE_SECONDS}. Prints {@code BATCH} after every committed batch and the outcome at the end;
 * exits 0 when the run completed.
 */
public final class MigrationChild {

    private MigrationChild() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            settings.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(settings.get("JDBC_URL"));
        dataSource.setUser(settings.get("JDBC_USER"));
        dataSource.setPassword(settings.get("JDBC_PASSWORD"));
        StoreStats stats;
        try (VectorStore source = VectorStores.get(settings)) {
            stats = source.stats();
        }
        // The target table has the source's dimension and metric (a hybrid source is a dotproduct index).
        MigrationTarget target = PgVectorTarget.of(PgVectorTable.open(dataSource, PgVectorSettings.builder()
                .dimension(stats.dimension().orElseThrow()).metric(stats.metric()).build()));
        // The migration opens the source from its configuration, with Pinecone's own retries off.
        MigrationReport report = Migration.builder(VectorStoreConfig.of(settings), target)
                .runId(settings.get("RUN_ID"))
                .workers(Integer.parseInt(settings.get("WORKERS")))
                .batchSize(Integer.parseInt(settings.get("BATCH_SIZE")))
                .lease(Duration.ofSeconds(Long.parseLong(settings.get("LEASE_SECONDS"))))
                .resume(true)
                .listener(new MigrationListener() {
                    @Override
                    public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                        out.println("BATCH " + namespace + " " + copied);
                    }
                })
                .build()
                .run();
        out.println("OUTCOME " + report.outcome() + " copied=" + report.copied());
        System.exit(report.outcome() == MigrationReport.Outcome.COMPLETED ? 0 : 1);
    }
}
