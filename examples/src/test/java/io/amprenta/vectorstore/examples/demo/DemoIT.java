package io.amprenta.vectorstore.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end demo of {@code scripts/demo}, smaller: every step must succeed (a failing {@code vectorstore}
 * command fails the demo) and say what the README promises it shows.
 */
class DemoIT {

    @Test
    void theDemoRunsEndToEnd(@TempDir Path directory) throws Exception {
        Path commands = directory.resolve("commands.log");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new DemoMain(new PrintStream(printed, true, StandardCharsets.UTF_8), cliJar(), 8_000,
                ProcessBuilder.Redirect.appendTo(commands.toFile())).run();

        String demo = printed.toString(StandardCharsets.UTF_8);
        String output = Files.readString(commands);
        assertThat(demo).contains("$ vectorstore schema upgrade", "$ vectorstore migrate --dry-run",
                "$ vectorstore verify", "$ vectorstore benchmark --queries 100 --top-k 10 --held-out")
                .contains("*** killed with SIGKILL after").contains("the 5,000 application rows still have their content: 5,000")
                .contains("Identical results.").contains("What this showed")
                .containsPattern("rag_chunks on disk: [\\d,]+ rows; table [\\d,]+ MB .* of which HNSW [\\d,]+ MB")
                .containsPattern("s  7\\. Benchmark both backends.*\\R.*s  8\\. Switch VECTOR_BACKEND.*\\R.*s  in all");
        assertThat(output).contains("Dry run: nothing was written").contains("OK: the target matches the source")
                .containsPattern("COMPLETED: [\\d,]+ copied by this process, 8,000 done in all \\([1-9][\\d,]* were done before\\)")
                .contains("mean top-10 overlap between pinecone and pgvector");
    }

    // Built by the reactor's vectorstore-cli module before this one (scripts/test, scripts/demo).
    private static Path cliJar() throws IOException {
        Path target = Path.of("..", "vectorstore-cli", "target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "vectorstore-cli-*-cli.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("No vectorstore-cli-*-cli.jar in " + target.toAbsolutePath()
                + ": build the reactor (./mvnw verify) rather than this module alone");
    }
}
