package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.dualwrite.DualWriteVectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollback phases of docs/migration-guide.md, with the application's writes going on throughout: each
 * phase and each rollback is only a change of VECTOR_BACKEND and DUAL_WRITE_* settings, and no write is lost.
 */
@ExtendWith(PostgresExtension.class)
class RollbackIT {

    private static final int DIMENSION = 8;

    private PineconeEmulator emulator;
    private Map<String, String> environment;

    @BeforeEach
    void setUp(TestDatabase classDatabase) {
        TestDatabase database = classDatabase.createAnother();
        emulator = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE).indexName("app").start();
        emulator.load("", TestData.randomRecords(new Random(3), 500, DIMENSION, "old-"));
        environment = new HashMap<>(emulator.config());
        environment.putAll(database.config());
        environment.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    /** What the application does in a phase: VectorStores.get() with that phase's settings. */
    private VectorStore application(Map<String, String> phase) {
        Map<String, String> config = new HashMap<>(environment);
        config.putAll(phase);
        return VectorStores.get(config);
    }

    @Test
    void everyPhaseAndEveryRollbackKeepsEveryWrite() {
        Map<String, String> phaseA = Map.of("VECTOR_BACKEND", "dual", "DUAL_WRITE_PRIMARY", "pinecone",
                "DUAL_WRITE_SECONDARY", "pgvector");
        Map<String, String> phaseB = Map.of("VECTOR_BACKEND", "dual", "DUAL_WRITE_PRIMARY", "pgvector",
                "DUAL_WRITE_SECONDARY", "pinecone");
        VectorRecord writtenInA = VectorRecord.of("written-in-phase-a", TestData.unit(DIMENSION, 1), Map.of("phase", "A"));
        VectorRecord writtenInB = VectorRecord.of("written-in-phase-b", TestData.unit(DIMENSION, 2), Map.of("phase", "B"));

        // Phase A: dual writes with Pinecone serving, then the backfill.
        try (VectorStore app = application(phaseA)) {
            assertThat(app).isInstanceOf(DualWriteVectorStore.class);
            app.upsert(List.of(writtenInA));
            assertThat(CliRun.of(environment, "migrate").exitCode()).isZero();
            assertThat(app.fetch(List.of("written-in-phase-a"))).containsKey("written-in-phase-a");
        }
        assertThat(CliRun.of(environment, "verify").exitCode()).as("pgvector holds the backfill and phase A's write").isZero();

        // Phase B: pgvector serves, Pinecone still receives every write.
        try (VectorStore app = application(phaseB)) {
            app.upsert(List.of(writtenInB));
            app.delete(List.of("old-7"));
            assertThat(((DualWriteVectorStore) app).primary().backend()).isEqualTo("pgvector");
            assertThat(((DualWriteVectorStore) app).divergences()).isEmpty();
        }

        // Roll back: VECTOR_BACKEND=pinecone, and Pinecone has everything written meanwhile.
        try (VectorStore app = application(Map.of("VECTOR_BACKEND", "pinecone"))) {
            assertThat(app.fetch(List.of("written-in-phase-a", "written-in-phase-b", "old-7")).keySet())
                    .containsExactlyInAnyOrder("written-in-phase-a", "written-in-phase-b");
            assertThat(app.fetch(List.of("written-in-phase-b")).get("written-in-phase-b")).isEqualTo(writtenInB);
        }
        assertThat(CliRun.of(environment, "verify").exitCode()).as("both backends still agree after the rollback").isZero();
    }
}
