package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliBasicsTest {

    private static final Map<String, String> MEMORY = Map.of("VECTOR_BACKEND", "memory", "MEMORY_DIMENSION", "4");

    @Test
    void healthOfAWorkingStoreIsUpWithExitZero() {
        CliRun run = CliRun.of(MEMORY, "health");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).startsWith("UP  memory").contains("canary search answered");
    }

    @Test
    void healthAsJsonIsOneDocument() throws Exception {
        CliRun run = CliRun.of(MEMORY, "health", "--json");

        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("status").asText()).isEqualTo("UP");
        assertThat(report.get("backend").asText()).isEqualTo("memory");
        assertThat(report.get("details").get("dimension").asInt()).isEqualTo(4);
    }

    @Test
    void aConfigurationErrorExitsThreeWithTheFix() {
        CliRun run = CliRun.of(Map.of("VECTOR_BACKEND", "weaviate"), "health");

        assertThat(run.exitCode()).isEqualTo(ExitCode.CONFIGURATION);
        assertThat(run.err()).contains("VECTOR_BACKEND is 'weaviate'").contains("docs/errors.md#unknown-backend");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(CliRun.of(MEMORY, "health", "--no-such-option").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.of(MEMORY).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.of(MEMORY).err()).contains("Name a command");
        assertThat(CliRun.of(MEMORY, "health", "--timeout", "soon").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of(MEMORY, "--help");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("health").contains("verify");
    }

    @Test
    void verifyOfTwoEmptyStoresPasses() {
        CliRun run = CliRun.of(MEMORY, "verify", "--source", "memory", "--target", "memory");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("OK: the target matches the source");
    }
}
