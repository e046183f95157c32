package io.amprenta.vectorstore.testkit.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Tells, in milliseconds and without Testcontainers, whether a Docker engine answers: on machines without one (CI
 * runners, this project's own build machines) asking Testcontainers would cost seconds and log stack traces from
 * every detection strategy it tries. It looks where Testcontainers looks ({@code DOCKER_HOST}, {@code docker.host}
 * and {@code tc.host} in {@code ~/.testcontainers.properties}, then the usual sockets) and sends the engine's
 * {@code GET /_ping}. When it says yes, Testcontainers still makes its own, authoritative check.
 */
final class DockerProbe {

    /** What the probe found: whether an engine answered, and where it looked (for logs and error messages). */
    record Result(boolean reachable, String summary) {
    }

    /**
     * Where the probe reads its settings; {@link #REAL} is this JVM's system properties over its environment (as
     * Testcontainers reads {@code DOCKER_HOST}) and its home directory.
     */
    record Environment(Function<String, Optional<String>> variables, Path home) {
        static final Environment REAL = new Environment(
                key -> Optional.ofNullable(System.getProperty(key)).or(() -> Optional.ofNullable(System.getenv(key)))
                        .filter(v -> !v.isBlank()),
                Path.of(System.getProperty("user.home")));
    }

    /** Long enough for a local engine under load, short enough not to be felt when nothing is there. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1500);

    private static final String PING = "GET /_ping HTTP/1.0\r\nHost: docker\r\nUser-Agent: vectorstore-test-harness\r\n\r\n";
    private static final int MAX_RESPONSE = 4096;

    private DockerProbe() {
    }

    static Result probe() {
        return probe(Environment.REAL, DEFAULT_TIMEOUT);
    }

    static Result probe(Environment environment, Duration timeout) {
        List<String> endpoints = endpoints(environment);
        List<String> findings = new ArrayList<>();
        for (String endpoint : endpoints) {
            Optional<String> failure = ping(endpoint, environment, timeout);
            if (failure.isEmpty()) {
                return new Result(true, "Docker engine at " + endpoint);
            }
            findings.add(failure.get());
        }
        return new Result(false, "no Docker engine answered (" + String.join("; ", findings) + ")");
    }

    /**
     * An explicit setting wins alone, as in Testcontainers: {@code DOCKER_HOST}, else {@code docker.host} or
     * {@code tc.host} from {@code ~/.testcontainers.properties}, else the default and rootless/Desktop sockets.
     */
    static List<String> endpoints(Environment environment) {
        Optional<String> dockerHost = environment.variables().apply("DOCKER_HOST");
        if (dockerHost.isPresent()) {
            return List.of(dockerHost.get().strip());
        }
        Properties properties = testcontainersProperties(environment.home());
        Set<String> explicit = new LinkedHashSet<>();
        for (String key : List.of("tc.host", "docker.host")) {
            String value = properties.getProperty(key);
            if (value != null && !value.isBlank()) {
                explicit.add(value.strip());
            }
        }
        if (!explicit.isEmpty()) {
            return List.copyOf(explicit);
        }
        Set<String> sockets = new LinkedHashSet<>();
        sockets.add("unix:///var/run/docker.sock");
        environment.variables().apply("XDG_RUNTIME_DIR")
                .ifPresent(dir -> sockets.add("unix://" + Path.of(dir, "docker.sock")));
        sockets.add("unix://" + environment.home().resolve(".docker/run/docker.sock"));
        sockets.add("unix://" + environment.home().resolve(".docker/desktop/docker.sock"));
        return List.copyOf(sockets);
    }

    private static Properties testcontainersProperties(Path home) {
        Properties properties = new Properties();
        Path file = home.resolve(".testcontainers.properties");
        if (Files.isReadable(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                // An unreadable file is as good as none; Testcontainers will say more if it matters.
            }
        }
        return properties;
    }

    /** Empty when the engine answered {@code /_ping} with 200; otherwise why not, in a few words. */
    private static Optional<String> ping(String endpoint, Environment environment, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            return Optional.of("'" + endpoint + "' is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "unix":
                return pingUnix(Path.of(uri.getPath()), timeout);
            case "tcp":
            case "http":
            case "https":
                boolean tls = "https".equals(scheme)
                        || environment.variables().apply("DOCKER_TLS_VERIFY").filter(v -> !"0".equals(v)).isPresent();
                return pingTcp(uri, tls, timeout);
            default:
                // npipe:// (Windows), ssh://: nothing cheap to ask; Testcontainers can.
                return Optional.empty();
        }
    }

    private static Optional<String> pingUnix(Path socket, Duration timeout) {
        if (!Files.exists(socket)) {
            return Optional.of("no socket " + socket);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(PING.getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                while (response.size() < MAX_RESPONSE) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return Optional.of(socket + " did not answer within " + timeout.toMillis() + " ms");
                    }
                    if (selector.select(left) == 0) {
                        continue;
                    }
                    selector.selectedKeys().clear();
                    buffer.clear();
                    int read = channel.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    response.write(buffer.array(), 0, read);
                    if (isOk(response)) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(socket + " answered " + statusLine(response));
        } catch (IOException | RuntimeException e) {
            return Optional.of(socket + ": " + e.getMessage());
        }
    }

    private static Optional<String> pingTcp(URI uri, boolean tls, Duration timeout) {
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 2376 : 2375);
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            if (tls) {
                // Pinging needs the client certificate; a listening port is enough to let Testcontainers try.
                return Optional.empty();
            }
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(PING.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            int read;
            while (response.size() < MAX_RESPONSE && (read = in.read(buffer)) >= 0) {
                response.write(buffer, 0, read);
                if (isOk(response)) {
                    return Optional.empty();
                }
            }
            return Optional.of(host + ":" + port + " answered " + statusLine(response));
        } catch (SocketTimeoutException e) {
            return Optional.of(host + ":" + port + " did not answer within " + millis + " ms");
        } catch (IOException | RuntimeException e) {
            return Optional.of(host + ":" + port + ": " + e.getMessage());
        }
    }

    /** "HTTP/1.x 200" on the status line; the body ("OK") may not have arrived yet and does not matter. */
    private static boolean isOk(ByteArrayOutputStream response) {
        String text = response.toString(StandardCharsets.US_ASCII);
        int end = text.indexOf("\r\n");
        return end > 0 && text.substring(0, end).matches("HTTP/1\\.[01] 200( .*)?");
    }

    private static String statusLine(ByteArrayOutputStream response) {
        String text = response.toString(StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            return "nothing";
        }
        int end = text.indexOf('\n');
        return "'" + (end < 0 ? text : text.substring(0, end)).strip() + "', not a Docker engine's 200";
    }
}
