package io.amprenta.vectorstore.benchmarks;

import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.ShardedDatabase;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the shard curve on three servers the test harness starts on this machine. Not a test: nothing is asserted;
 * only the {@code benchmark} Maven profile runs it. The report is printed and written to
 * {@code benchmarks/target/benchmark-shards.txt}.
 */
@ExtendWith(PostgresExtension.class)
class ShardBenchmarkRun {

    @Test
    void run(ShardedDatabase sharded) throws Exception {
        TestDatabase coordinator = sharded.coordinator();
        List<TestDatabase> shards = sharded.shards(ShardedDatabase.MAX_SERVERS);
        BenchmarkRuns.run("benchmark-shards.txt", (options, out) -> new ShardBenchmark(coordinator.dataSource(),
                coordinator.config(), shards.stream().map(TestDatabase::databaseUrl).toList(),
                i -> shards.get(i).dataSource(), options, out).run());
    }
}
