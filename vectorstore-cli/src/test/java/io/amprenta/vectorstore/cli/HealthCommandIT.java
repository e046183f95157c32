package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code vectorstore health} as a probe sees it: exit 0 while the store answers, 6 when it does not or too slowly. */
@ExtendWith(PostgresExtension.class)
class HealthCommandIT {

    private final Map<String, String> environment = new HashMap<>();

    HealthCommandIT(TestDatabase database) {
        environment.putAll(database.config());
        environment.put("VECTOR_BACKEND", "pgvector");
        environment.put("PGVECTOR_DIMENSION", "3");
        environment.put("PGVECTOR_POOL_SIZE", "2");
    }

    @Test
    void aTableWithoutItsVectorIndexIsDegradedWhichFailsTheProbeOnlyWhenAskedTo() {
        CliRun upgrade = CliRun.of(environment, "schema", "upgrade", "--defer-index");
        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();

        CliRun lenient = CliRun.of(environment, "health");
        CliRun strict = CliRun.of(environment, "health", "--fail-on-degraded");

        assertThat(lenient.exitCode()).as(lenient.out() + lenient.err()).isEqualTo(ExitCode.OK);
        assertThat(lenient.out()).startsWith("DEGRADED  pgvector").contains("vectorIndex: none").contains("docs/errors.md#index-missing");
        assertThat(strict.exitCode()).isEqualTo(ExitCode.UNHEALTHY);

        assertThat(CliRun.of(environment, "schema", "upgrade").exitCode()).isZero();
        CliRun indexed = CliRun.of(environment, "health", "--fail-on-degraded");
        assertThat(indexed.exitCode()).as(indexed.out() + indexed.err()).isEqualTo(ExitCode.OK);
        assertThat(indexed.out()).startsWith("UP  pgvector").contains("vectorIndex: rag_chunks_embedding_hnsw");
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsDown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> unreachable = new HashMap<>(environment);
        unreachable.put("DATABASE_URL", "postgresql://app:secret-pw@127.0.0.1:" + closedPort + "/rag");
        unreachable.put("PGVECTOR_MAX_RETRIES", "0");

        CliRun run = CliRun.of(unreachable, "health", "--timeout", "20s");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCode.UNHEALTHY);
        assertThat(run.out()).startsWith("DOWN").doesNotContain("secret-pw");
    }

    @Test
    void aServerThatNeverAnswersIsDownAfterTheTimeout() throws IOException {
        // Accepts connections and says nothing, like a hung server or a black-holing network.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, String> hung = new HashMap<>(environment);
            hung.put("DATABASE_URL", "postgresql://app:pw@127.0.0.1:" + silent.getLocalPort() + "/rag");

            long started = System.nanoTime();
            CliRun run = CliRun.of(hung, "health", "--timeout", "700ms");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCode.UNHEALTHY);
            assertThat(run.out()).startsWith("DOWN").contains("no answer within 700 ms");
            assertThat(tookMillis).isLessThan(10_000);
        }
    }
}
