package io.amprenta.vectorstore.pinecone;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The API key never appears in a log line, an exception message or a {@code toString()}: a recognizable
 * fake key is used through connecting, working, retrying, failing and closing, while everything written to
 * standard error (where slf4j-simple logs, at debug level for this library and the client, see
 * {@code simplelogger.properties}) and to java.util.logging (gRPC's logger) is captured and searched.
 */
class ApiKeySecrecyIT {

    private static final String KEY = "pcsk_SECRET_4f9a_do_not_log_7c21";

    @Test
    void theKeyAppearsNowhere() throws Exception {
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        Logger root = Logger.getLogger("");
        Handler julCapture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                seen.add(record.getMessage() + " " + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(julCapture);
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (PineconeEmulator emulator = PineconeEmulator.builder().apiKey(KEY).dimension(8).metric(DistanceMetric.COSINE)
                .indexName("secret-test").start()) {
            Map<String, String> config = new HashMap<>(emulator.config());
            config.put("PINECONE_RETRY_INITIAL_DELAY", "1ms");
            config.put("PINECONE_RETRY_MAX_DELAY", "2ms");
            config.put("PINECONE_MAX_RETRIES", "2");
            try (VectorStore store = VectorStores.get(config)) {
                seen.add(store.toString());
                seen.add(store.unwrap(PineconeSettings.class).toString());
                seen.add(VectorStoreConfig.of(config).toString());
                seen.add(PineconeVectorStore.builder(VectorStoreConfig.of(config)).toString());
                store.upsert(TestData.randomRecords(new Random(1), 20, 8, "s"));
                store.query(Query.builder(TestData.unit(8, 0)).build());
                emulator.faults().rateLimitAll();
                collect(seen, () -> store.fetch(List.of("s1")));
                emulator.faults().clear().exhaustMonthlyQuota();
                collect(seen, () -> store.upsert(TestData.randomRecords(new Random(2), 2, 8, "q")));
                emulator.faults().clear().unavailableNext(1);
                HealthReport down = store.health();
                seen.add(down.toString());
            }
            Map<String, String> wrongKey = new HashMap<>(config);
            wrongKey.put("PINECONE_API_KEY", KEY + "-revoked");
            collect(seen, () -> VectorStores.get(wrongKey));
            Map<String, String> wrongKeyByHost = new HashMap<>(emulator.hostConfig());
            wrongKeyByHost.put("PINECONE_API_KEY", KEY + "-revoked");
            collect(seen, () -> VectorStores.get(wrongKeyByHost));
            Map<String, String> badTls = new HashMap<>(config);
            badTls.put("PINECONE_TLS", "maybe");
            collect(seen, () -> VectorStores.get(badTls));
        } finally {
            System.setErr(originalErr);
            root.removeHandler(julCapture);
        }
        String logged = err.toString(StandardCharsets.UTF_8);

        assertThat(seen).hasSizeGreaterThan(8).noneMatch(text -> text.contains(KEY));
        assertThat(logged).contains("Retrying pinecone fetch").contains("secret-test").doesNotContain(KEY);
    }

    // Records the message, the toString and the stack trace (with every cause) of the failure.
    private static void collect(List<String> seen, Runnable call) {
        try {
            call.run();
            throw new AssertionError("expected a failure");
        } catch (RuntimeException e) {
            ByteArrayOutputStream trace = new ByteArrayOutputStream();
            e.printStackTrace(new PrintStream(trace, true, StandardCharsets.UTF_8));
            seen.add(e.getMessage());
            seen.add(e.toString());
            seen.add(trace.toString(StandardCharsets.UTF_8));
        }
    }
}
