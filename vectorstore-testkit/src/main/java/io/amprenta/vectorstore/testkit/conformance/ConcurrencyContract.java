package io.amprenta.vectorstore.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.testkit.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Concurrent writers lose nothing, and concurrent readers always see well-formed results. */
public interface ConcurrencyContract extends StoreFixture {

    int WRITERS = 4;
    int BATCHES_PER_WRITER = 10;
    int BATCH_SIZE = 10;

    @Test
    default void concurrentWritersAndReadersLoseNothing() throws Exception {
        VectorStore store = newStore();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    Random random = new Random(100 + writer);
                    for (int b = 0; b < BATCHES_PER_WRITER; b++) {
                        store.upsert(TestData.randomRecords(random, BATCH_SIZE, DIMENSION, "w" + writer + "-b" + b + "-"));
                    }
                }));
            }
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int reader = r;
                readers.add(pool.submit(() -> {
                    Random random = new Random(200 + reader);
                    int queries = 0;
                    while (writing.get() || queries == 0) {
                        List<Match> matches = store.query(Query.builder(TestData.randomVector(random, DIMENSION)).topK(5).build());
                        assertThat(matches.size()).isLessThanOrEqualTo(5);
                        assertThat(matches).extracting(Match::id).doesNotHaveDuplicates();
                        queries++;
                    }
                    return queries;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(5, TimeUnit.MINUTES);
            }
            writing.set(false);
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(5, TimeUnit.MINUTES)).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }

        int expected = WRITERS * BATCHES_PER_WRITER * BATCH_SIZE;
        assertThat(store.stats().count("")).isEqualTo(expected);
        assertThat(store.streamIds("").toList()).hasSize(expected).doesNotHaveDuplicates();
    }

    @Test
    default void concurrentOverwritesOfOneIdLeaveOneOfTheWrittenVersions() throws Exception {
        VectorStore store = newStore();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<VectorRecord> versions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            versions.add(VectorRecord.of("contended", TestData.unit(DIMENSION, i), Map.of("version", i)));
        }
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (VectorRecord version : versions) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        store.upsert(List.of(version));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(versions).contains(store.fetch(List.of("contended")).get("contended"));
        assertThat(store.stats().count("")).isEqualTo(1);
    }
}
