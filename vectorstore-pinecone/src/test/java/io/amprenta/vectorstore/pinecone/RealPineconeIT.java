package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.conformance.StoreFixture;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A small round trip against a real Pinecone index, run only when {@code PINECONE_API_KEY} is set (with
 * {@code PINECONE_INDEX_NAME} or {@code PINECONE_INDEX_HOST} naming an existing dense index). It writes a
 * few records into a fresh namespace of its own and deletes that namespace at the end, so it never touches
 * other data. Pinecone is eventually consistent: reads are repeated until the writes show, up to a minute.
 */
@EnabledIfEnvironmentVariable(named = "PINECONE_API_KEY", matches = ".+")
class RealPineconeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void recordsRoundTripThroughARealIndex() throws InterruptedException {
        VectorStoreConfig environment = VectorStoreConfig.fromEnvironment();
        assumeTrue(environment.has(PineconeSettings.INDEX_NAME.key()) || environment.has(PineconeSettings.INDEX_HOST.key()),
                "set PINECONE_INDEX_NAME or PINECONE_INDEX_HOST to an existing dense index");
        Map<String, String> config = new HashMap<>(environment.asMap());
        config.put("VECTOR_BACKEND", "pinecone");
        config.put(PineconeSettings.NAMESPACE.key(), "vectorstore-it-" + UUID.randomUUID());

        try (VectorStore store = VectorStores.get(config)) {
            try {
                int dimension = store.stats().dimension().orElseThrow();
                Random random = new Random(11);
                List<VectorRecord> records = List.of(
                        VectorRecord.of("it-a", TestData.randomVector(random, dimension),
                                Map.of("genre", "drama", "year", 2021, "tags", List.of("x", "y"), "active", true)),
                        VectorRecord.of("it-b", TestData.randomVector(random, dimension), Map.of("genre", "comedy", "year", 1999.5)),
                        VectorRecord.of("it-c", TestData.randomVector(random, dimension)));
                store.upsert(records);

                Map<String, VectorRecord> fetched = eventually(() -> store.fetch(List.of("it-a", "it-b", "it-c")),
                        found -> found.size() == 3);
                records.forEach(record -> assertThat(fetched.get(record.id())).isEqualTo(record));

                List<Match> dramas = eventually(() -> store.query(Query.builder(records.get(1).values()).topK(3)
                        .filter(Filter.eq("genre", "drama")).build()), matches -> !matches.isEmpty());
                assertThat(StoreFixture.ids(dramas)).containsExactly("it-a");
                assertThat(dramas.get(0).metadata()).containsEntry("year", 2021.0).containsEntry("tags", List.of("x", "y"));

                try {
                    List<String> listed = eventually(() -> store.streamIds("it-").toList(), ids -> ids.size() == 3);
                    assertThat(listed).containsExactlyInAnyOrder("it-a", "it-b", "it-c");
                } catch (InvalidRequestException e) {
                    // Pod-based indexes cannot list ids.
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION);
                }
                assertThat(store.health().isUsable()).isTrue();
            } finally {
                store.deleteAll();
            }
        }
    }

    private static <T> T eventually(Supplier<T> read, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            value = read.get();
        }
        return value;
    }
}
