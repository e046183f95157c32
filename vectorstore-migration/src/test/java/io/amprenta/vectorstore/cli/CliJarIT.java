package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executable jar the launcher runs: shading must keep both backends and gRPC's service files working. */
class CliJarIT {

    private record Result(int exitCode, String output) {
    }

    private static Path cliJar() throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Paths.get("target"), "vectorstore-migration-*-cli.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("no -cli.jar in target/: the package phase builds it before integration tests");
    }

    private static Result run(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", cliJar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("PINECONE_") || key.startsWith("VECTOR_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
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
    void theJarReachesPineconeOverGrpc() throws Exception {
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(4).metric(DistanceMetric.COSINE).indexName("jar").start()) {
            emulator.load("", List.of(VectorRecord.of("a", new float[] {1, 0, 0, 0})));

            Result health = run(emulator.config(), "health", "--backend", "pinecone");

            assertThat(health.exitCode()).as(health.output()).isZero();
            assertThat(health.output()).contains("UP  pinecone");
        }
    }
}
