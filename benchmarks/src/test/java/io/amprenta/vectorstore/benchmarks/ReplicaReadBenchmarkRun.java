package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.Replica;
import io.amprenta.vectorstore.testkit.postgres.ReplicatedDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the read-replica benchmark on a primary and two streaming replicas the test harness starts on this machine.
 * Not a test: nothing is asserted; only the {@code benchmark} Maven profile runs it. The report is printed and written
 * to {@code benchmarks/target/benchmark-replicas.txt}.
 */
@ExtendWith(PostgresExtension.class)
class ReplicaReadBenchmarkRun {

    @Test
    void run(ReplicatedDatabase replicated) throws Exception {
        Replica first = replicated.startReplica();
        Replica second = replicated.startReplica();
        BenchmarkRuns.run("benchmark-replicas.txt", (options, out) -> new ReplicaReadBenchmark(
                VectorStoreConfig.of(replicated.primary().config()), List.of(first.databaseUrl(), second.databaseUrl()),
                () -> {
                    first.awaitReplay();
                    second.awaitReplay();
                }, options, out).run());
    }
}
