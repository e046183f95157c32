package io.amprenta.vectorstore.testkit.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A pgvector container for one JVM, started through Testcontainers when a Docker engine answers. It logs in like
 * the throwaway cluster (same user and password), so tests see no difference, and it keeps its host port across
 * {@link #stop()}/{@link #start()}: fault tests reconnect to the same address, as they do with the local cluster.
 * Only this class touches Testcontainers, so without Docker its classes are never loaded.
 */
final class ContainerServer implements ManagedServer {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerServer.class);

    /** pgvector 0.8.7 (at least the harness's minimum) on PostgreSQL 17; {@code VECTORSTORE_TEST_POSTGRES_IMAGE} overrides. */
    static final String DEFAULT_IMAGE = "pgvector/pgvector:0.8.7-pg17";

    private static final int PORT_ATTEMPTS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** docker stop's grace period; the postgres images stop on SIGINT, PostgreSQL's fast shutdown. */
    private static final int STOP_TIMEOUT_SECONDS = 60;
    /*
     * Parallel HNSW builds put maintenance_work_mem into /dev/shm, which Docker limits to 64 MB by default ("could not
     * resize shared memory segment").
     */
    private static final long SHARED_MEMORY_BYTES = 1L << 30;

    private final PostgreSQLContainer container;
    private final String image;
    private final String host;
    private final int port;
    private final String version;
    private boolean running = true;

    private ContainerServer(PostgreSQLContainer container, String image, String host, int port, String version) {
        this.container = container;
        this.image = image;
        this.host = host;
        this.port = port;
        this.version = version;
    }

    /** Pulls the image if needed, starts the container and waits until it accepts the harness's login. */
    static ContainerServer start(String image) {
        long startedAt = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            PostgreSQLContainer container = configure(image, freePort());
            try {
                container.start();
            } catch (RuntimeException e) {
                last = e;
                stopQuietly(container);
                // Another process can take the port between our probe and Docker's bind: try another one.
                if (portTaken(e)) {
                    continue;
                }
                break;
            }
            try {
                String host = container.getHost();
                int port = container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
                String version = serverVersion(adminUrl(host, port));
                ContainerServer server = new ContainerServer(container, image, host, port, version);
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "vectorstore-pg-container-shutdown"));
                LOG.info("Started PostgreSQL {} in a container of {} on {}:{} in {} ms.", version, image, host, port,
                        (System.nanoTime() - startedAt) / 1_000_000);
                return server;
            } catch (RuntimeException e) {
                stopQuietly(container);
                throw e;
            }
        }
        throw new IllegalStateException("Could not start a PostgreSQL container from " + image + ": "
                + rootMessage(last) + ". Check that Docker can pull and run it, set " + Settings.CONTAINER_IMAGE
                + " to another image with pgvector >= " + DatabaseScope.MIN_PGVECTOR + ", or set "
                + Settings.TEST_POSTGRES + "=local to use this machine's PostgreSQL.", last);
    }

    /**
     * The container as the harness runs it, not yet started: the same login as the local cluster, durability traded
     * for speed as there, and a fixed host port so a restarted container is found where it was.
     */
    static PostgreSQLContainer configure(String image, int hostPort) {
        // Any image works as long as it behaves like the official postgres image; pgvector/pgvector does.
        DockerImageName name = DockerImageName.parse(image).asCompatibleSubstituteFor("postgres");
        PostgreSQLContainer container = new PostgreSQLContainer(name)
                .withUsername(LocalCluster.SUPERUSER)
                .withPassword(LocalCluster.PASSWORD)
                .withDatabaseName(PostgresUrl.DEFAULT_DATABASE)
                .withSharedMemorySize(SHARED_MEMORY_BYTES)
                .withStartupTimeoutSeconds((int) START_TIMEOUT.toSeconds())
                .withCommand("postgres",
                        "-c", "fsync=off",
                        "-c", "synchronous_commit=off",
                        "-c", "full_page_writes=off",
                        "-c", "max_connections=200",
                        "-c", "timezone=UTC");
        container.setPortBindings(List.of(hostPort + ":" + PostgreSQLContainer.POSTGRESQL_PORT));
        return container;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean isExternal() {
        return false;
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    /** Stops the container without removing it, so its data and port binding survive until {@link #start()}. */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        container.getDockerClient().stopContainerCmd(container.getContainerId())
                .withTimeout(STOP_TIMEOUT_SECONDS).exec();
        running = false;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        awaitLogin();
        running = true;
    }

    @Override
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public PostgresUrl adminUrl() {
        return adminUrl(host, port);
    }

    @Override
    public String pgvectorHint() {
        return "The container image " + image + " lacks pgvector >= " + DatabaseScope.MIN_PGVECTOR + ". Set "
                + Settings.CONTAINER_IMAGE + " to one that has it (e.g. " + DEFAULT_IMAGE + "), or "
                + Settings.TEST_POSTGRES + "=local to use this machine's PostgreSQL.";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " on " + host + ":" + port + " (container " + image + ")";
    }

    private void awaitLogin() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try {
                Jdbc.connect(adminUrl()).close();
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("The PostgreSQL test container " + container.getContainerId() + " (" + image
                + ") did not accept connections on " + host + ":" + port + " within " + START_TIMEOUT.toSeconds()
                + " s of starting again" + (last == null ? "." : ": " + last.getMessage()), last);
    }

    private static PostgresUrl adminUrl(String host, int port) {
        return new PostgresUrl(host, port, PostgresUrl.DEFAULT_DATABASE, LocalCluster.SUPERUSER, LocalCluster.PASSWORD,
                Map.of());
    }

    private static String serverVersion(PostgresUrl url) {
        try (Connection connection = Jdbc.connect(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0];
        } catch (SQLException e) {
            throw new IllegalStateException("The PostgreSQL test container on " + url.host() + ":" + url.port()
                    + " does not accept the harness's login: " + e.getMessage(), e);
        }
    }

    /** A free port on all interfaces, where Docker publishes the container's port. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Could not find a free port for the PostgreSQL test container: " + e, e);
        }
    }

    /** Cleanup after a failure must not hide that failure. */
    private static void stopQuietly(PostgreSQLContainer container) {
        try {
            container.stop();
        } catch (RuntimeException e) {
            LOG.debug("Could not stop the PostgreSQL test container", e);
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("port is already allocated") || message.contains("address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? "unknown error" : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
