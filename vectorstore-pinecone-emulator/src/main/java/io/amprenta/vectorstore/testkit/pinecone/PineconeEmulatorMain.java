package io.amprenta.vectorstore.testkit.pinecone;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorStoreException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link PineconeEmulator} as a standalone process for demos, until it is killed:
 *
 * <pre>
 * java -cp ... io.amprenta.vectorstore.testkit.pinecone.PineconeEmulatorMain \
 *     --port 0 --control-plane-port 0 --dimension 384 --metric cosine --index demo [--api-key KEY]
 * </pre>
 *
 * <p>Prints the settings that reach it, one {@code KEY=VALUE} per line (the output can be sourced by a
 * shell after {@code export}), then {@code READY}.
 */
public final class PineconeEmulatorMain {

    private static final String USAGE = "usage: PineconeEmulatorMain [--port N] [--control-plane-port N] [--dimension N]"
            + " [--metric cosine|dotproduct|euclidean] [--index NAME] [--api-key KEY]";

    private PineconeEmulatorMain() {
    }

    /** Starts the emulator and waits until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        PineconeEmulator.Builder builder;
        try {
            builder = parse(List.of(args));
        } catch (IllegalArgumentException | VectorStoreException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        PineconeEmulator emulator = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "pinecone-emulator-shutdown"));
        print(emulator, System.out);
        stopped.await();
    }

    static void print(PineconeEmulator emulator, PrintStream out) {
        emulator.config().forEach((key, value) -> out.println(key + "=" + value));
        out.println("PINECONE_INDEX_HOST=" + emulator.indexHost());
        out.println("READY");
        out.flush();
    }

    static PineconeEmulator.Builder parse(List<String> args) {
        PineconeEmulator.Builder builder = PineconeEmulator.builder();
        Deque<String> rest = new ArrayDeque<>(args);
        while (!rest.isEmpty()) {
            String option = rest.removeFirst();
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException("Starts an emulated Pinecone index on loopback ports.");
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = rest.removeFirst();
            switch (option) {
                case "--port" -> builder.port(integer(option, value));
                case "--control-plane-port" -> builder.controlPlanePort(integer(option, value));
                case "--dimension" -> builder.dimension(integer(option, value));
                case "--metric" -> builder.metric(DistanceMetric.fromConfig(option, value));
                case "--index" -> builder.indexName(value);
                case "--api-key" -> builder.apiKey(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return builder;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, not '" + value + "'");
        }
    }
}
