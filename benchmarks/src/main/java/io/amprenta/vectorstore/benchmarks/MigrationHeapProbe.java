package io.amprenta.vectorstore.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.migration.Migration;
import io.amprenta.vectorstore.migration.MigrationReport;
import io.amprenta.vectorstore.migration.PgVectorTarget;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A migration in a JVM of its own, so that its heap is measured without the emulator's copy of the data:
 * arguments are {@code KEY=VALUE} configuration (PINECONE_*, DATABASE_URL, PGVECTOR_*) plus {@code WORKERS}
 * and {@code RUN_ID}; copies the namespace {@code PINECONE_NAMESPACE} names;
 * prints {@code PEAK_HEAP_BYTES=<n>} and {@code COPIED=<n>}.
 */
public final class MigrationHeapProbe {

    private MigrationHeapProbe() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            settings.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        VectorStoreConfig config = VectorStoreConfig.of(settings);
        int workers = Integer.parseInt(settings.get("WORKERS"));
        try (VectorStore source = VectorStores.get(config.with("VECTOR_BACKEND", "pinecone"));
             HikariDataSource pool = PgDataSources.create(config, workers + 4)) {
            MigrationReport report = Migration.builder(source, PgVectorTarget.of(PgVectorTable.open(pool,
                            PgVectorSettings.fromConfig(config))))
                    .runId(settings.get("RUN_ID")).namespaces(List.of(source.namespace())).workers(workers).batchSize(1000)
                    .build().run();
            long peak = 0;
            for (MemoryPoolMXBean memory : ManagementFactory.getMemoryPoolMXBeans()) {
                if (memory.getType() == MemoryType.HEAP) {
                    peak += memory.getPeakUsage().getUsed();
                }
            }
            System.out.println("PEAK_HEAP_BYTES=" + peak);
            System.out.println("COPIED=" + report.copied());
        }
    }
}
