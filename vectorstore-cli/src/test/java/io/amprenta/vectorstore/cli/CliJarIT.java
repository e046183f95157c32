package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.pinecone.PineconeOperation;
import io.amprenta.vectorstore.testkit.postgres.ThrowawayPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executable jar the launcher runs: shading must keep both backends and gRPC's service files working. */
class CliJarIT {

    private record Result(int exitCode, String output) {
    }

    private static Path cliJar() throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Paths.get("target"), "vectorstore-cli-*-cli.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("no -cli.jar in target/: the package phase builds it before integration tests");
    }

    private static Process start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", cliJar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("PINECONE_") || key.startsWith("VECTOR_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static Result run(Map<String, String> environment, String... args) throws Exception {
        Process process = start(environment, args);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void theJarKnowsItsVersionAndCommands() throws Exception {
        Result version = run(Map.of(), "--version");
        Result help = run(Map.of(), "--help");

        assertThat(version.output()).contains("vectorstore 0.");
        assertThat(help.output()).contains("schema").contains("verify").contains("health");
    }

    @Test
    void ctrlCFinishesTheBatchInFlightAndResumeCompletes() throws Exception {
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(4).metric(DistanceMetric.COSINE).indexName("ctrlc").start();
             ThrowawayPostgres postgres = ThrowawayPostgres.start("ctrl-c")) {
            List<VectorRecord> records = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                records.add(VectorRecord.of("r" + i, new float[] {1, i, 0, 0}));
            }
            emulator.load("", records);
            emulator.faults().limitTo(PineconeOperation.FETCH).latency(Duration.ofMillis(300));
            Map<String, String> environment = new HashMap<>(emulator.config());
            environment.putAll(postgres.database().config());
            environment.put("PGVECTOR_DIMENSION", "4");
            assertThat(run(environment, "schema", "upgrade").exitCode()).isZero();

            Process migrate = start(environment, "migrate", "--batch-size", "10", "--workers", "1");
            StringBuilder output = new StringBuilder();
            BufferedReader reader = new BufferedReader(new InputStreamReader(migrate.getInputStream(), StandardCharsets.UTF_8));
            // Interrupt once copying has begun (the run's first line), however long the JVM took to start on a busy
            // machine; 40 batches of 300 ms each leave the run well short of finished a second later.
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.contains("records pending")) {
                    break;
                }
            }
            Thread.sleep(1_000);
            // SIGINT, what Ctrl-C sends: the JVM runs its shutdown hooks and exits with 130.
            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(migrate.pid())).start().waitFor()).isZero();
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
            }
            assertThat(migrate.waitFor(2, TimeUnit.MINUTES)).isTrue();

            assertThat(migrate.exitValue()).as(output.toString()).isEqualTo(ExitCode.INTERRUPTED);
            assertThat(output).contains("INTERRUPTED").contains("--resume");
            emulator.faults().clear();
            Result resumed = run(environment, "migrate", "--resume");
            assertThat(resumed.exitCode()).as(resumed.output()).isZero();
            assertThat(resumed.output()).contains("400 done in all");
        }
    }

    @Test
    void theJarReachesPineconeOverGrpc() throws Exception {
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(4).metric(DistanceMetric.COSINE).indexName("jar").start()) {
            emulator.load("", List.of(VectorRecord.of("a", new float[] {1, 0, 0, 0})));

            Result health = run(emulator.config(), "health", "--backend", "pinecone");

            assertThat(health.exitCode()).as(health.output()).isZero();
            assertThat(health.output()).contains("UP  pinecone");
        }
    }
}
