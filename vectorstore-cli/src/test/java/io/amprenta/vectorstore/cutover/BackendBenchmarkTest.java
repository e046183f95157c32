package io.amprenta.vectorstore.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's arithmetic on exact in-memory stores, where every answer is known: record {@code r<i>} lies at
 * (i², 1), so under the euclidean metric the neighbours of a point are known by hand and never tie.
 */
class BackendBenchmarkTest {

    private VectorStore complete;
    private VectorStore lacking;

    @BeforeEach
    void setUp() {
        complete = memoryStore();
        lacking = memoryStore();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(VectorRecord.of("r" + i, new float[] {i * i, 1}, Map.of("group", i < 3 ? "small" : "large")));
        }
        complete.upsert(records);
        lacking.upsert(records);
        lacking.delete(List.of("r1"));
    }

    @AfterEach
    void tearDown() {
        complete.close();
        lacking.close();
    }

    private static VectorStore memoryStore() {
        return VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_METRIC", "euclidean", "MEMORY_DIMENSION", "2"));
    }

    @Test
    void identicalBackendsOverlapFullyAndRecallEverything() {
        BenchmarkReport report = BackendBenchmark.builder(complete, complete, GroundTruth.exactStore(complete))
                .queries(QuerySet.of(List.of(BenchmarkQuery.of(new float[] {0, 1}), BenchmarkQuery.of(new float[] {50, 1})), 4)).build().run();

        assertThat(report.meanOverlap()).isEqualTo(1.0);
        assertThat(report.backends()).hasSize(2).allSatisfy(backend -> {
            assertThat(backend.meanRecall()).isEqualTo(1.0);
            assertThat(backend.meanRows()).isEqualTo(4.0);
            assertThat(backend.latency().count()).isEqualTo(2);
        });
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void aMissingRecordLowersOverlapAndTheLackingSidesRecall() {
        // Near (0, 1): r0, r1, r2, r3 exactly; without r1 the lacking store answers r0, r2, r3, r4.
        BenchmarkReport report = BackendBenchmark.builder(complete, lacking, GroundTruth.exactStore(complete))
                .queries(QuerySet.of(List.of(BenchmarkQuery.of(new float[] {0, 1})), 4)).build().run();

        assertThat(report.meanOverlap()).isEqualTo(0.75);
        assertThat(report.backends().get(0).meanRecall()).isEqualTo(1.0);
        assertThat(report.backends().get(1).meanRecall()).isEqualTo(0.75);
        assertThat(report.backends().get(1).meanRows()).isEqualTo(4.0);
    }

    @Test
    void aShortAnswerShowsAsFewerRowsThanExactSearchReturns() {
        // Only r0, r1, r2 are "small": the lacking store has two of them.
        BenchmarkReport report = BackendBenchmark.builder(complete, lacking, GroundTruth.exactStore(complete))
                .queries(new QuerySet(List.of(BenchmarkQuery.of(new float[] {0, 1})), 10, Filter.eq("group", "small"))).build().run();

        BenchmarkReport.BackendResult short_ = report.backends().get(1);
        assertThat(short_.meanRows()).isEqualTo(2.0);
        assertThat(short_.meanExpectedRows()).isEqualTo(3.0);
        assertThat(short_.meanRecall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(report.filter()).isEqualTo(Filter.eq("group", "small").toJson());
    }

    @Test
    void aStoredRecordsOwnMatchIsLeftOutOfEveryAnswer() {
        // From r3 at (9, 1): r2 (distance 25) and r4 (49) are its neighbours, r3 itself is not counted.
        BenchmarkQuery fromR3 = new BenchmarkQuery(new float[] {9, 1}, "r3");
        assertThat(Answers.ids(complete.query(Answers.request(fromR3, QuerySet.of(List.of(fromR3), 2))), fromR3, 2)).containsExactly("r2", "r4");

        BenchmarkReport report = BackendBenchmark.builder(complete, lacking, GroundTruth.exactStore(complete))
                .queries(QuerySet.of(List.of(fromR3), 2)).build().run();
        assertThat(report.meanOverlap()).isEqualTo(1.0);
        assertThat(report.backends()).allSatisfy(backend -> assertThat(backend.meanRows()).isEqualTo(2.0));
    }

    @Test
    void differentMetricsAreWarnedAbout() {
        try (VectorStore cosine = VectorStores.get(Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", "2"))) {
            cosine.upsert(List.of(VectorRecord.of("r0", new float[] {0, 1}, Map.of())));
            BenchmarkReport report = BackendBenchmark.builder(complete, cosine, GroundTruth.exactStore(complete))
                    .queries(QuerySet.of(List.of(BenchmarkQuery.of(new float[] {0, 1})), 1)).build().run();
            assertThat(report.warnings()).singleElement().asString().contains("euclidean").contains("cosine").contains("PGVECTOR_METRIC");
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        BackendBenchmark.Builder builder = BackendBenchmark.builder(complete, lacking, GroundTruth.exactStore(complete));
        assertThatThrownBy(builder::build).hasMessageContaining("queries");
        List<BenchmarkQuery> one = List.of(BenchmarkQuery.of(new float[] {0, 1}));
        assertThatThrownBy(() -> builder.queries(QuerySet.of(one, 1)).warmupQueries(-1).build()).hasMessageContaining("warmupQueries");
        assertThatThrownBy(() -> QuerySet.of(List.of(), 1)).hasMessageContaining("queries");
        assertThatThrownBy(() -> QuerySet.of(one, 0)).hasMessageContaining("topK");
        assertThatThrownBy(() -> QuerySet.of(one, 1_001)).hasMessageContaining("topK must be between 1 and 1000");
    }

    @Test
    void anyOfSeveralEquallyNearRecordsIsARightAnswer() {
        // Six duplicates of one vector (boilerplate chunks): the exact top-3 is three of them, the lacking store
        // returns three others. Both are right; their overlap is what differs.
        List<VectorRecord> duplicates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            duplicates.add(VectorRecord.of("dup-" + i, new float[] {1000, 1}, Map.of()));
        }
        complete.upsert(duplicates);
        lacking.upsert(duplicates.subList(3, 6));
        BenchmarkQuery query = BenchmarkQuery.of(new float[] {1000, 1});

        BenchmarkReport report = BackendBenchmark.builder(complete, lacking, GroundTruth.exactStore(complete))
                .queries(QuerySet.of(List.of(query), 3)).build().run();

        assertThat(Answers.expected(GroundTruth.exactStore(complete), query, QuerySet.of(List.of(query), 3)).acceptable()).hasSize(6);
        assertThat(report.backends()).allSatisfy(backend -> assertThat(backend.meanRecall()).isEqualTo(1.0));
        assertThat(report.meanOverlap()).isZero();
    }

    @Test
    void overlapAndRecallOfEmptyAnswers() {
        assertThat(Answers.overlap(List.of(), List.of())).isEqualTo(1.0);
        assertThat(Answers.overlap(List.of("a", "b"), List.of("b"))).isEqualTo(0.5);
        assertThat(Answers.recall(List.of(), new Answers.Expected(List.of(), java.util.Set.of()))).isEqualTo(1.0);
        assertThat(Answers.recall(List.of("x"), new Answers.Expected(List.of("a", "b"), java.util.Set.of("a", "b")))).isZero();
    }
}
