package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe against real sockets: small servers in this JVM that answer {@code /_ping} the way a Docker engine does,
 * or the ways something else would.
 */
class DockerProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final String ENGINE_OK = "HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nContent-Length: 2\r\n\r\nOK";

    @TempDir
    Path home;

    private final Map<String, String> variables = new HashMap<>();
    private final List<AutoCloseable> servers = new java.util.ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private DockerProbe.Environment environment() {
        return new DockerProbe.Environment(key -> Optional.ofNullable(variables.get(key)), home);
    }

    @Test
    void anEngineAnsweringOnTheDockerHostSocketIsReachable() throws IOException {
        Path socket = unixServer(ENGINE_OK);
        variables.put("DOCKER_HOST", "unix://" + socket);

        DockerProbe.Result result = DockerProbe.probe(environment(), TIMEOUT);

        assertThat(result.reachable()).isTrue();
        assertThat(result.summary()).isEqualTo("Docker engine at unix://" + socket);
    }

    @Test
    void aMissingSocketIsUnreachableAtOnce() {
        variables.put("DOCKER_HOST", "unix://" + home.resolve("nothing-here.sock"));

        long started = System.nanoTime();
        DockerProbe.Result result = DockerProbe.probe(environment(), Duration.ofSeconds(30));

        assertThat(result.reachable()).isFalse();
        assertThat(result.summary()).contains("no socket " + home.resolve("nothing-here.sock"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void somethingElseOnTheSocketIsNotAnEngine() throws IOException {
        Path socket = unixServer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        variables.put("DOCKER_HOST", "unix://" + socket);

        DockerProbe.Result result = DockerProbe.probe(environment(), TIMEOUT);

        assertThat(result.reachable()).isFalse();
        assertThat(result.summary()).contains("'HTTP/1.1 404 Not Found', not a Docker engine's 200");
    }

    @Test
    void aSilentSocketTimesOut() throws IOException {
        Path socket = unixServer(null);
        variables.put("DOCKER_HOST", "unix://" + socket);

        long started = System.nanoTime();
        DockerProbe.Result result = DockerProbe.probe(environment(), TIMEOUT);

        assertThat(result.reachable()).isFalse();
        assertThat(result.summary()).contains("did not answer within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anEngineOnTcpIsReachableAndAClosedPortIsNot() throws IOException {
        int port = tcpServer(ENGINE_OK);
        variables.put("DOCKER_HOST", "tcp://127.0.0.1:" + port);
        assertThat(DockerProbe.probe(environment(), TIMEOUT).reachable()).isTrue();

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        variables.put("DOCKER_HOST", "tcp://127.0.0.1:" + closed);
        DockerProbe.Result result = DockerProbe.probe(environment(), TIMEOUT);
        assertThat(result.reachable()).isFalse();
        assertThat(result.summary()).contains("127.0.0.1:" + closed);
    }

    @Test
    void theTestcontainersPropertiesFileNamesTheHostWhenDockerHostIsUnset() throws IOException {
        Path socket = unixServer(ENGINE_OK);
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=unix\\://" + socket + "\n");

        assertThat(DockerProbe.endpoints(environment())).containsExactly("unix://" + socket);
        assertThat(DockerProbe.probe(environment(), TIMEOUT).reachable()).isTrue();
    }

    @Test
    void withoutSettingsItTriesTheUsualSocketsIncludingRootlessAndDesktopOnes() throws IOException {
        variables.put("XDG_RUNTIME_DIR", "/run/user/1000");

        assertThat(DockerProbe.endpoints(environment())).containsExactly(
                "unix:///var/run/docker.sock",
                "unix:///run/user/1000/docker.sock",
                "unix://" + home.resolve(".docker/run/docker.sock"),
                "unix://" + home.resolve(".docker/desktop/docker.sock"));

        Path desktop = home.resolve(".docker/desktop/docker.sock");
        Files.createDirectories(desktop.getParent());
        unixServer(ENGINE_OK, desktop);
        DockerProbe.Result result = DockerProbe.probe(environment(), TIMEOUT);
        assertThat(result.reachable()).isTrue();
        assertThat(result.summary()).contains(desktop.toString());
    }

    @Test
    void thisMachinesRealEnvironmentIsProbedQuickly() {
        long started = System.nanoTime();
        DockerProbe.probe();
        // Whatever the answer, a run without Docker must not be slowed down by the question.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }

    /** A unix socket server that answers every connection's request with {@code response} (null: never answers). */
    private Path unixServer(String response) throws IOException {
        return unixServer(response, home.resolve("engine-" + servers.size() + ".sock"));
    }

    private Path unixServer(String response, Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        servers.add(server);
        Thread thread = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    ByteBuffer request = ByteBuffer.allocate(4096);
                    client.read(request);
                    if (response == null) {
                        Thread.sleep(TIMEOUT.toMillis() * 4);
                        continue;
                    }
                    client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "fake-docker-unix");
        thread.setDaemon(true);
        thread.start();
        return path;
    }

    private int tcpServer(String response) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    InputStream in = client.getInputStream();
                    in.read(new byte[4096]);
                    OutputStream out = client.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-docker-tcp");
        thread.setDaemon(true);
        thread.start();
        return server.getLocalPort();
    }
}
