package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.observe.ObservedVectorStore;
import io.amprenta.vectorstore.observe.OperationEvent;
import io.amprenta.vectorstore.observe.OperationListener;
import io.amprenta.vectorstore.observe.RecallEvent;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recall monitor against the truth: uniform random 32-dimensional vectors are hard for HNSW, so an ef_search of
 * 10 forced through configuration visibly misses neighbours; every query is sampled and its recall is also computed
 * here, independently, from an exact search.
 */
@ExtendWith(PostgresExtension.class)
class RecallMonitorIT {

    private static final int DIMENSION = 32;
    private static final int TOP_K = 10;
    private static final int QUERIES = 60;

    private final DataSource dataSource;
    private PgVectorSettings settings;

    RecallMonitorIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    @BeforeEach
    void load() {
        settings = PgVectorSettings.builder().table("watched").dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade();
        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.deleteAll();
            store.upsert(TestData.randomRecords(new Random(5), 3_000, DIMENSION, "r-"));
            // A planner that still thinks the table empty would sort it exactly instead of scanning the index.
            store.unwrap(PgVectorTable.class).analyze();
        }
    }

    /** Collects the recall samples it is told about. */
    private static final class Samples implements OperationListener {
        final List<RecallEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onOperation(OperationEvent event) {
        }

        @Override
        public void onRecall(RecallEvent event) {
            events.add(event);
        }
    }

    @Test
    void theRollingRecallIsTheTrueRecallAndATinyEfSearchTurnsHealthDegraded() throws InterruptedException {
        PgVectorSettings degraded = settings.toBuilder().efSearch(10).iterativeScan(IterativeScan.OFF).recallSampleRate(1.0).build();
        Samples samples = new Samples();
        Random random = new Random(17);
        double trueRecall = 0;
        try (VectorStore store = ObservedVectorStore.wrap(PgVectorStore.builder().dataSource(dataSource).settings(degraded).build(),
                samples)) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            for (int i = 0; i < QUERIES; i++) {
                Query query = Query.builder(TestData.randomVector(random, DIMENSION)).topK(TOP_K).build();
                List<Match> answer = store.query(query);
                Set<String> exact = table.exactSearch("", query).stream().map(Match::id).collect(Collectors.toSet());
                trueRecall += answer.stream().filter(match -> exact.contains(match.id())).count() / (double) TOP_K;
                awaitSamples(samples, i + 1);
                Thread.sleep(1_000 / RecallMonitor.MAX_CHECKS_PER_SECOND + 10); // the monitor's rate cap
            }
            trueRecall /= QUERIES;

            RecallEvent last = samples.events.get(QUERIES - 1);
            assertThat(trueRecall).as("the true recall at ef_search 10 on this data").isLessThan(0.9);
            assertThat(last.rollingRecall()).isCloseTo(trueRecall, org.assertj.core.data.Offset.offset(0.02));
            assertThat(last.samples()).isEqualTo(QUERIES);
            assertThat(last.targetRecall()).isEqualTo(0.95);
            assertThat(last.belowTarget()).isTrue();

            HealthReport health = store.health();
            assertThat(health.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(health.message()).contains("recall of sampled queries", "PGVECTOR_TARGET_RECALL 0.950",
                    "PGVECTOR_EF_SEARCH is set to 10", "vectorstore calibrate --save");
            assertThat(health.details()).containsEntry("recallSamples", QUERIES);
            // The health check's canary is no real query and is not sampled.
            Thread.sleep(300);
            assertThat(samples.events).hasSize(QUERIES);
        }
    }

    @Test
    void aGoodIndexStaysUpAndAMonitorSwitchedOffSamplesNothing() throws InterruptedException {
        Samples watched = new Samples();
        Random random = new Random(23);
        try (VectorStore store = ObservedVectorStore.wrap(PgVectorStore.builder().dataSource(dataSource)
                .settings(settings.toBuilder().efSearch(400).recallSampleRate(1.0).build()).build(), watched)) {
            for (int i = 0; i < RecallMonitor.MIN_SAMPLES + 5; i++) {
                store.query(Query.builder(TestData.randomVector(random, DIMENSION)).topK(TOP_K).build());
                awaitSamples(watched, i + 1);
                Thread.sleep(1_000 / RecallMonitor.MAX_CHECKS_PER_SECOND + 10);
            }
            assertThat(watched.events.get(watched.events.size() - 1).rollingRecall()).isGreaterThanOrEqualTo(0.95);
            assertThat(store.health().status()).isEqualTo(HealthReport.Status.UP);
        }
        Samples off = new Samples();
        try (VectorStore store = ObservedVectorStore.wrap(PgVectorStore.builder().dataSource(dataSource).settings(settings).build(),
                off)) {
            for (int i = 0; i < 5; i++) {
                store.query(Query.builder(TestData.randomVector(random, DIMENSION)).topK(TOP_K).build());
            }
            Thread.sleep(300);
            assertThat(off.events).isEmpty();
            assertThat(store.health().details()).doesNotContainKey("rollingRecall");
        }
    }

    private static void awaitSamples(Samples samples, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (samples.events.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(samples.events).as("recall samples").hasSize(count);
    }
}
