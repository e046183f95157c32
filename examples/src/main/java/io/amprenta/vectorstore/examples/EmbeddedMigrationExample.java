package io.amprenta.vectorstore.examples;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.migration.Migration;
import io.amprenta.vectorstore.migration.MigrationListener;
import io.amprenta.vectorstore.migration.MigrationPlan;
import io.amprenta.vectorstore.migration.MigrationProgress;
import io.amprenta.vectorstore.migration.MigrationReport;
import io.amprenta.vectorstore.migration.PgVectorTarget;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The migrator inside an application (for example an admin endpoint or a job runner) instead of the
 * command line: the same engine, with progress events the application can show or export.
 *
 * <pre>PINECONE_API_KEY=... PINECONE_INDEX_NAME=docs DATABASE_URL=... PGVECTOR_DIMENSION=384 \
 *     scripts/run-example EmbeddedMigrationExample</pre>
 */
public final class EmbeddedMigrationExample {

    private EmbeddedMigrationExample() {
    }

    public static void main(String[] args) {
        MigrationReport report = run(System.getenv(), System.out);
        System.exit(report.outcome() == MigrationReport.Outcome.COMPLETED ? 0 : 1);
    }

    /** Migrates the Pinecone index {@code environment} names into its pgvector table, printing progress. */
    static MigrationReport run(Map<String, String> environment, PrintStream out) {
        Map<String, String> pinecone = new HashMap<>(environment);
        pinecone.put("VECTOR_BACKEND", "pinecone");
        Map<String, String> pgvector = new HashMap<>(environment);
        pgvector.put("VECTOR_BACKEND", "pgvector");
        try (VectorStore target = prepared(pgvector)) {
            // Built from the source's configuration: the migration opens Pinecone with its own retries off, so
            // the migrator sees every 429 and paces itself.
            Migration migration = Migration.builder(VectorStoreConfig.of(pinecone), PgVectorTarget.of(target))
                    .batchSize(1000).workers(4).resume(true)          // resume: continuing a run is the normal case
                    .listener(new MigrationListener() {
                        @Override
                        public void started(MigrationPlan plan) {
                            out.printf("copying %,d records in %d batches%n", plan.pending(), plan.batches());
                        }

                        @Override
                        public void batchCommitted(String namespace, int copied, int failed, Duration took) {
                            out.printf("batch of %d in namespace '%s' committed in %d ms%n", copied, namespace, took.toMillis());
                        }

                        @Override
                        public void progress(MigrationProgress progress) {
                            out.printf("%.0f%% done%n", progress.fraction() * 100);
                        }
                    })
                    .build();
            MigrationReport report = migration.run();
            out.println(report.outcome() + ": " + report.message());
            return report;
        }
    }

    // Idempotent, like `vectorstore schema upgrade`: the table must be prepared before the store opens it.
    private static VectorStore prepared(Map<String, String> pgvector) {
        VectorStoreConfig config = VectorStoreConfig.of(pgvector);
        try (HikariDataSource pool = PgDataSources.create(config, 2)) {
            SchemaManager.create(pool, PgVectorSettings.fromConfig(config)).upgrade();
        }
        return VectorStores.get(config);
    }
}
