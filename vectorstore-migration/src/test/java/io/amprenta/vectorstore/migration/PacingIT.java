package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.pinecone.RecordedRequest;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The migrator's pacing against an emulator that enforces Pinecone's per-index request limits, scaled down by twenty
 * (list 10/s, fetch 5/s): starting at the documented limits, twenty times too fast, the migration finds the index's
 * real budget and fetches at 0.9x of it or more with every 429 retried; with a rate share it stays within its share.
 *
 * <p>The limits are scaled down so far so that the limit, not the machine, is what holds the migration back: at
 * 10 fetches/s a machine busy with other work (three CPU-bound processes on two cores) could not offer more than
 * about 8.5 batches a second, received no 429 at all, and the test measured the machine instead of the pacing.
 */
@ExtendWith(PostgresExtension.class)
class PacingIT {

    private static final int DIMENSION = 8;
    private static final int BATCH = 20;
    private static final double LIST_LIMIT = 10;
    private static final double FETCH_LIMIT = 5;

    /** One batch commits per successful fetch (the batches here are never split), so commits time the fetches. */
    private static final class CommitTimes implements MigrationListener {
        final List<Long> nanos = new CopyOnWriteArrayList<>();

        @Override
        public void batchCommitted(String namespace, int copied, int failed, Duration took) {
            nanos.add(System.nanoTime());
        }

        /**
         * Fetches per second in the steady state, from the commit a tenth of the way in to the one a tenth from the
         * end. The first commits carry the target's warm-up. The last can be batches refused while the pace, started
         * twenty times too fast, was still coming down: they wait out their retry backoff (seconds, by the fifth
         * refusal) after every other batch is done, and on a busy machine the last three commits came a second apart.
         * Both are costs paid once per run, not per second, so a fifteen-second test must not spread them over its
         * rate; a real migration (hours at 100 fetches/s) does not notice them.
         */
        double perSecond() {
            List<Long> sorted = nanos.stream().sorted().toList();
            int edge = Math.max(2, sorted.size() / 10);
            long first = sorted.get(edge);
            long last = sorted.get(sorted.size() - 1 - edge);
            return (sorted.size() - 1 - 2 * edge) / ((last - first) / 1e9);
        }
    }

    private record Run(MigrationReport report, double fetchesPerSecond, long throttled) {
    }

    private static Run migrate(TestDatabase database, int records, Double rateShare) {
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                .indexName("pacing-test").start()) {
            emulator.load("", TestData.randomRecords(new Random(15), records, DIMENSION, "doc#"));
            emulator.faults().limitRequestsPerSecond(PineconeOperation.LIST, LIST_LIMIT)
                    .limitRequestsPerSecond(PineconeOperation.FETCH, FETCH_LIMIT);
            CommitTimes commits = new CommitTimes();
            Migration.Builder builder = Migration.builder(VectorStoreConfig.of(emulator.hostConfig()),
                            PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .workers(6).batchSize(BATCH).listener(commits);
            if (rateShare != null) {
                builder.rateShare(rateShare);
            }
            MigrationReport report = builder.build().run();
            long fetches = emulator.requests().stream().map(RecordedRequest::operation)
                    .filter(PineconeOperation.FETCH::equals).count();
            assertThat(fetches).as("one answered fetch per batch").isEqualTo(records / BATCH);
            assertThat(commits.nanos).hasSize(records / BATCH);
            Run run = new Run(report, commits.perSecond(), emulator.faults().injectedCount());
            System.out.printf("PacingIT: rate share %s: %.2f fetches/s (limit %.0f), %d requests refused with 429%n",
                    rateShare, run.fetchesPerSecond(), FETCH_LIMIT, run.throttled());
            return run;
        }
    }

    @Test
    void theMigrationFetchesAtNineTenthsOfTheIndexLimitOrMoreWithEvery429Retried(TestDatabase database) {
        Run run = migrate(database, 1_500, null);

        assertThat(run.report().outcome()).as(run.report().message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(run.report().copied()).isEqualTo(1_500);
        assertThat(run.report().failedCount()).isZero();
        assertThat(run.throttled()).as("the migrator started above the limit and was throttled").isPositive();
        assertThat(run.fetchesPerSecond()).isGreaterThanOrEqualTo(0.9 * FETCH_LIMIT);
    }

    @Test
    void aRateShareCapsTheMigrationBelowTheLimit(TestDatabase classDatabase) {
        // Four fifths of the scaled fetch limit: 0.04 of the documented 100/s.
        double cap = 0.04 * Migration.PINECONE_FETCH_REQUESTS_PER_SECOND;
        Run run = migrate(classDatabase.createAnother(), 1_000, 0.04);

        assertThat(run.report().outcome()).as(run.report().message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
        assertThat(run.report().copied()).isEqualTo(1_000);
        assertThat(run.throttled()).as("a capped migration leaves the rest of the budget alone").isZero();
        assertThat(run.fetchesPerSecond()).isLessThanOrEqualTo(cap * 1.05).isGreaterThanOrEqualTo(0.9 * cap);
    }
}
