package io.amprenta.vectorstore.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.AuthenticationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A migration built from the source's configuration retries the source in one layer, its own: the Pinecone store it
 * opens has its retries off even when the configuration asks for some, so every throttling reaches the migrator and
 * slows its shared pace, and no failing call is retried by both layers.
 */
@ExtendWith(PostgresExtension.class)
class SourceRetriesIT {

    private static final int DIMENSION = 8;

    @Test
    void theMigratorAloneRetriesASourceItOpens(TestDatabase database) {
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                .indexName("retry-test").start()) {
            emulator.load("", TestData.randomRecords(new Random(5), 300, DIMENSION, "doc#"));
            emulator.faults().limitTo(PineconeOperation.FETCH).rateLimitNext(3);
            VectorStoreConfig sourceConfig = VectorStoreConfig.of(emulator.hostConfig()).with("PINECONE_MAX_RETRIES", "5");
            List<String> throttled = new CopyOnWriteArrayList<>();

            MigrationReport report = Migration.builder(sourceConfig, PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .workers(1).batchSize(1000)
                    .retryPolicy(RetryPolicy.builder().maxRetries(5).backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build())
                    .listener(new MigrationListener() {
                        @Override
                        public void throttled(String operation, double requestsPerSecond) {
                            throttled.add(operation);
                        }
                    })
                    .build().run();

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(report.copied()).isEqualTo(300);
            assertThat(emulator.faults().injectedCount()).isEqualTo(3);
            assertThat(throttled).as("each throttled fetch seen by the migrator, none absorbed by the store").hasSize(3);
        }
    }

    @Test
    void aRetrysRefusalBelongsToTheOvershootAlreadyCountedAndDoesNotSlowThePaceAgain(TestDatabase classDatabase) {
        TestDatabase database = classDatabase.createAnother();
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                .indexName("retry-pace-test").start()) {
            emulator.load("", TestData.randomRecords(new Random(7), 100, DIMENSION, "doc#"));
            emulator.faults().limitTo(PineconeOperation.FETCH).rateLimitNext(3);
            List<Double> rates = new CopyOnWriteArrayList<>();

            // Backoffs of 50 ms and more: longer than two spacings at 100 fetches/s, so the pace would count each
            // refusal of the one fetch as a new overshoot if retries counted at all.
            MigrationReport report = Migration.builder(VectorStoreConfig.of(emulator.hostConfig()),
                            PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .workers(1).batchSize(1000)
                    .retryPolicy(RetryPolicy.builder().maxRetries(5).backoff(Duration.ofMillis(100), Duration.ofMillis(400)).build())
                    .listener(new MigrationListener() {
                        @Override
                        public void throttled(String operation, double requestsPerSecond) {
                            rates.add(requestsPerSecond);
                        }
                    })
                    .build().run();

            assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(report.copied()).isEqualTo(100);
            assertThat(rates).as("one tenth off the documented 100 fetches/s, once").hasSize(3)
                    .allSatisfy(rate -> assertThat(rate).isCloseTo(90.0, within(1e-9)));
        }
    }

    @Test
    void aStormOnFromLaunchIsRiddenOutFromTheFirstCall(TestDatabase classDatabase) {
        TestDatabase database = classDatabase.createAnother();
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                .indexName("storm-test").start()) {
            emulator.load("", TestData.randomRecords(new Random(6), 2_000, DIMENSION, "doc#"));
            // Every operation, opening the store (describe_index_stats) included: the first calls fail for certain,
            // then most calls.
            emulator.faults().rateLimitNext(3);
            emulator.faults().rateLimitFraction(0.7);

            MigrationReport report = Migration.builder(VectorStoreConfig.of(emulator.hostConfig()),
                            PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .workers(2).batchSize(250).maxRequestsPerSecond(1_000)
                    .retryPolicy(RetryPolicy.builder().maxRetries(40).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build())
                    .build().run();

            assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            assertThat(report.copied()).isEqualTo(2_000);
            assertThat(emulator.faults().injectedCount()).as("throttled calls").isGreaterThan(10);
        }
    }

    @Test
    void aRejectedApiKeyAtStartUpStopsAtOnce(TestDatabase classDatabase) {
        TestDatabase database = classDatabase.createAnother();
        PgVectorSettings settings = PgVectorSettings.builder().dimension(DIMENSION).build();
        SchemaManager.create(database.dataSource(), settings).upgrade();
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                .indexName("auth-test").start()) {
            VectorStoreConfig wrongKey = VectorStoreConfig.of(emulator.hostConfig()).with("PINECONE_API_KEY", "wrong-key");
            List<String> retried = new CopyOnWriteArrayList<>();
            Migration migration = Migration.builder(wrongKey, PgVectorTarget.of(PgVectorTable.open(database.dataSource(), settings)))
                    .retryPolicy(RetryPolicy.builder().maxRetries(40).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()
                            .withRetryListener((operation, attempt, failure, delay) -> retried.add(operation)))
                    .build();

            assertThatThrownBy(migration::run).isInstanceOf(AuthenticationException.class);
            assertThat(retried).as("calls retried").isEmpty();
        }
    }

    @Test
    void theSourceIsOpenedWithTheBackendsRetriesOff() {
        VectorStoreConfig config = VectorStoreConfig.of(Map.of("VECTOR_BACKEND", "pinecone", "PINECONE_MAX_RETRIES", "5"));

        assertThat(SourceStore.withoutBackendRetries(config).get("PINECONE_MAX_RETRIES")).contains("0");
        assertThat(SourceStore.withoutBackendRetries(VectorStoreConfig.of(Map.of("VECTOR_BACKEND", "pgvector")))
                .get("PGVECTOR_MAX_RETRIES")).contains("0");
    }
}
