package io.amprenta.vectorstore.testkit.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL cluster for one JVM: {@code initdb} into {@code target/pg-cluster-<random>}, {@code pg_ctl}
 * on a free loopback port, stopped and deleted by a shutdown hook. A cluster created for replication can have
 * streaming replicas ({@link #startReplica()}: {@code pg_basebackup -R} into another directory, on another port),
 * which are clusters of this kind too.
 */
final class LocalCluster implements ManagedServer {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    static final String HOST = "127.0.0.1";
    static final String SUPERUSER = "vectorstore";
    /*
     * Not the user name, so a test can tell them apart, and with ':' and '@' so every DATABASE_URL a test builds
     * exercises the percent-encoding real passwords need.
     */
    static final String PASSWORD = "pw:vs@test";

    private static final String DIR_PREFIX = "pg-cluster-";
    private static final String OWNER_FILE = "owner.properties";
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_TAIL_LINES = 30;
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration BASEBACKUP_TIMEOUT = Duration.ofMinutes(2);
    /** pg_ctl's own wait, in seconds; below PG_CTL_TIMEOUT so pg_ctl reports the failure rather than being killed. */
    private static final String PG_CTL_WAIT_SECONDS = "60";
    /** A directory without an owner file younger than this may be a cluster another JVM is still creating. */
    private static final Duration UNOWNED_GRACE = Duration.ofHours(1);
    /** Unix socket paths are limited to 108 bytes on Linux and 104 on macOS, including ".s.PGSQL.NNNNN.lock". */
    private static final int MAX_SOCKET_DIR_LENGTH = 80;

    private final Path bindir;
    private final Path clusterDir;
    private final Path dataDir;
    private final Path logFile;
    private final OsCommand os;
    private final int port;
    private final String version;
    private boolean running = true;

    private LocalCluster(Path bindir, Path clusterDir, OsCommand os, int port, String version) {
        this.bindir = bindir;
        this.clusterDir = clusterDir;
        this.dataDir = clusterDir.resolve("data");
        this.logFile = clusterDir.resolve("server.log");
        this.os = os;
        this.port = port;
        this.version = version;
    }

    /** Creates, configures and starts a cluster with the programs in {@code bindir}. */
    static LocalCluster create(Path bindir) {
        return create(bindir, false);
    }

    /**
     * Creates, configures and starts a cluster with the programs in {@code bindir}; with {@code replication}, it
     * writes the WAL a streaming replica needs ({@code wal_level = replica}, WAL senders), which costs bulk loads some
     * speed, so the JVM's shared server goes without.
     */
    static LocalCluster create(Path bindir, boolean replication) {
        return createSeveral(bindir, 1, replication).get(0);
    }

    /**
     * {@code count} independent clusters (not replicating), started together: one {@code initdb}, whose fresh data
     * directory is copied for the others ({@code cp -a}, as the cluster's OS user) before any of them starts, since
     * initdb is most of a cluster's set-up time. Each gets its own port and socket directory.
     */
    static List<LocalCluster> createSeveral(Path bindir, int count) {
        return createSeveral(bindir, count, false);
    }

    // The one way clusters are set up (one or several); on any failure everything made so far is destroyed.
    private static List<LocalCluster> createSeveral(Path bindir, int count, boolean replication) {
        long startedAt = System.nanoTime();
        boolean root = jvmRunsAsRoot();
        UserPrincipal postgresUser = root ? postgresOsUser() : null;
        OsCommand os = root ? OsCommand.asUser(OsCommand.POSTGRES_OS_USER) : OsCommand.direct();
        Path baseDir = baseDir(postgresUser);
        reapAbandonedClusters(baseDir, bindir, os);
        List<Path> clusterDirs = new ArrayList<>();
        List<LocalCluster> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Path clusterDir = createClusterDir(baseDir);
                clusterDirs.add(clusterDir);
                writeOwnerFile(clusterDir);
                if (postgresUser != null) {
                    Files.setOwner(clusterDir, postgresUser);
                }
            }
            Path template = clusterDirs.get(0);
            initdb(bindir, template, postgresUser, os);
            for (Path clusterDir : clusterDirs.subList(1, count)) {
                Path output = clusterDir.resolve("copy.out");
                OsCommand.Result copy = os.run(List.of("cp", "-a", template.resolve("data").toString(),
                        clusterDir.resolve("data").toString()), clusterDir, output, INITDB_TIMEOUT);
                Files.deleteIfExists(output);
                if (!copy.succeeded()) {
                    throw new IllegalStateException("Copying the data directory of " + template + " failed with exit code "
                            + copy.exitCode() + ":\n" + OsCommand.tail(copy.output(), LOG_TAIL_LINES));
                }
            }
            for (Path clusterDir : clusterDirs) {
                configure(clusterDir.resolve("data"), clusterDir, replication);
                started.add(startNew(bindir, clusterDir, os, startedAt, "PostgreSQL"));
            }
            return List.copyOf(started);
        } catch (IOException e) {
            destroyAll(started, clusterDirs, bindir, os);
            throw new IllegalStateException("Could not set up " + (count == 1 ? "a PostgreSQL cluster" : count
                    + " PostgreSQL clusters") + " in " + baseDir + ": " + e, e);
        } catch (RuntimeException | Error e) {
            destroyAll(started, clusterDirs, bindir, os);
            throw e;
        }
    }

    // A pg_ctl that gave up waiting can leave a postmaster behind; destroy stops whatever postmaster.pid names.
    private static void destroyAll(List<LocalCluster> started, List<Path> clusterDirs, Path bindir, OsCommand os) {
        started.forEach(LocalCluster::destroy);
        clusterDirs.stream().skip(started.size()).forEach(dir -> destroy(bindir, dir, os));
    }

    /**
     * A new streaming replica of this cluster (which must have been created for replication): {@code pg_basebackup -R}
     * copies it into a directory of its own, which then starts as a hot standby on another free port and follows this
     * cluster until it is stopped or promoted. The caller {@link #close()}s it; a shutdown hook does otherwise.
     */
    LocalCluster startReplica() {
        long startedAt = System.nanoTime();
        Path clusterDir = createClusterDir(this.clusterDir.getParent());
        try {
            writeOwnerFile(clusterDir);
            if (os.switchesUser()) {
                Files.setOwner(clusterDir, Files.getOwner(this.clusterDir));
            }
            // The password goes in the connection string because -R writes that string into the replica's
            // primary_conninfo; the cluster and its password are throwaway.
            String conninfo = "host=" + HOST + " port=" + port + " user=" + SUPERUSER + " password='"
                    + PASSWORD.replace("'", "\\'") + "' application_name=" + clusterDir.getFileName();
            Path output = clusterDir.resolve("basebackup.out");
            OsCommand.Result result = os.run(List.of(bindir.resolve("pg_basebackup").toString(),
                    "-D", clusterDir.resolve("data").toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync",
                    "-d", conninfo), clusterDir, output, BASEBACKUP_TIMEOUT);
            Files.deleteIfExists(output);
            if (!result.succeeded()) {
                throw new IllegalStateException("pg_basebackup of " + this + " failed with exit code " + result.exitCode()
                        + ":\n" + OsCommand.tail(result.output(), LOG_TAIL_LINES));
            }
            // The copy carries the primary's settings; only the socket directory must be the replica's own.
            configure(clusterDir.resolve("data"), clusterDir, true);
            return startNew(bindir, clusterDir, os, startedAt, "a streaming replica of " + HOST + ":" + port + ",");
        } catch (IOException e) {
            destroy(bindir, clusterDir, os);
            throw new IllegalStateException("Could not set up a replica in " + clusterDir + ": " + e, e);
        } catch (RuntimeException | Error e) {
            destroy(bindir, clusterDir, os);
            throw e;
        }
    }

    /**
     * Ends recovery ({@code pg_ctl promote}): the replica stops following its primary and accepts writes, as after a
     * failover.
     */
    synchronized void promote() {
        OsCommand.Result result = pgCtl(bindir, clusterDir, os,
                List.of("promote", "-D", dataDir.toString(), "-w", "-t", PG_CTL_WAIT_SECONDS));
        if (!result.succeeded()) {
            throw startFailure("pg_ctl promote failed for the PostgreSQL test server on " + HOST + ":" + port, result,
                    logFile);
        }
    }

    /** Stops the server and deletes its directory now rather than when the JVM exits. */
    synchronized void close() {
        destroy();
    }

    private static LocalCluster startNew(Path bindir, Path clusterDir, OsCommand os, long startedAt, String what)
            throws IOException {
        Path logFile = clusterDir.resolve("server.log");
        int port = 0;
        for (int attempt = 1; ; attempt++) {
            port = freeLoopbackPort();
            long logLength = Files.exists(logFile) ? Files.size(logFile) : 0;
            OsCommand.Result result = pgCtlStart(bindir, clusterDir, os, port);
            if (result.succeeded()) {
                break;
            }
            String newLog = readFrom(logFile, logLength);
            // Another process can take the port between our probe and the server's bind: try another.
            boolean portTaken = newLog.contains("could not bind") || newLog.contains("Address already in use");
            if (!portTaken || attempt == PORT_ATTEMPTS) {
                throw startFailure("PostgreSQL (" + bindir + ") did not start on " + HOST + ":" + port, result,
                        logFile);
            }
        }
        String version = serverVersion(port);
        LocalCluster cluster = new LocalCluster(bindir, clusterDir, os, port, version);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroy, "vectorstore-pg-cluster-shutdown"));
        LOG.info("Started {} {} on {}:{} in {} ms (data in {}, running {}).", what, version, HOST, port,
                (System.nanoTime() - startedAt) / 1_000_000, clusterDir, os);
        return cluster;
    }

    @Override
    public String host() {
        return HOST;
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

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        OsCommand.Result result = pgCtl(bindir, clusterDir, os,
                List.of("stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", PG_CTL_WAIT_SECONDS));
        if (!result.succeeded()) {
            throw startFailure("pg_ctl stop failed for the PostgreSQL test server on " + HOST + ":" + port, result,
                    logFile);
        }
        running = false;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        OsCommand.Result result = pgCtlStart(bindir, clusterDir, os, port);
        if (!result.succeeded()) {
            throw startFailure("The PostgreSQL test server did not start again on " + HOST + ":" + port, result, logFile);
        }
        running = true;
    }

    @Override
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public PostgresUrl adminUrl() {
        return new PostgresUrl(HOST, port, PostgresUrl.DEFAULT_DATABASE, SUPERUSER, PASSWORD, Map.of());
    }

    @Override
    public String pgvectorHint() {
        return "The throwaway server uses the PostgreSQL in " + bindir + ", which lacks pgvector >= 0.8. Run"
                + " scripts/install-postgres (as root) to install it into that server, or set " + Settings.PG_BINDIR
                + " to a PostgreSQL that has it, or " + Settings.TEST_DATABASE_URL + " to a server that has it.";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " on " + HOST + ":" + port + " (throwaway, " + clusterDir + ")";
    }

    private synchronized void destroy() {
        destroy(bindir, clusterDir, os);
        running = false;
    }

    /** Stops the server the quickest way (its data is thrown away) and deletes its directory. */
    private static void destroy(Path bindir, Path clusterDir, OsCommand os) {
        Path dataDir = clusterDir.resolve("data");
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            OsCommand.Result result = pgCtl(bindir, clusterDir, os,
                    List.of("stop", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "20"));
            if (!result.succeeded()) {
                killPostmaster(dataDir);
            }
        }
        deleteRecursively(clusterDir);
    }

    private static void killPostmaster(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            if (!lines.isEmpty()) {
                ProcessHandle.of(Long.parseLong(lines.get(0).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not kill the postmaster of {}", dataDir, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Setting up
    // ---------------------------------------------------------------------------------------------------------------

    /*
     * user.name can be overridden on the command line, so also ask the file system who owns a file this JVM just
     * created.
     */
    static boolean jvmRunsAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            Path probe = Files.createTempFile("vectorstore-uid-", ".probe");
            try {
                return "root".equals(Files.getOwner(probe).getName());
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static UserPrincipal postgresOsUser() {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(OsCommand.POSTGRES_OS_USER);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("The JVM runs as root, PostgreSQL refuses to run as root, and there is no '"
                    + OsCommand.POSTGRES_OS_USER + "' OS user to run it as. Install the server package (scripts/"
                    + "install-postgres does, and creates that user), run the tests as a normal user, or set "
                    + Settings.TEST_DATABASE_URL + ".", e);
        } catch (IOException e) {
            throw new IllegalStateException("Could not look up the '" + OsCommand.POSTGRES_OS_USER + "' OS user: " + e, e);
        }
    }

    /**
     * {@code VECTORSTORE_PG_CLUSTER_DIR}, else the module's {@code target/} (Maven runs tests in the module
     * directory), else the temp directory. As root the server runs as postgres, which must be able to reach its
     * directory; if some parent of target/ is closed to it (a home directory with mode 700, say), use the temp
     * directory rather than loosen permissions on the user's files.
     */
    private static Path baseDir(UserPrincipal postgresUser) {
        Optional<String> explicit = Settings.get(Settings.CLUSTER_BASE_DIR);
        Path tempBase = Path.of(System.getProperty("java.io.tmpdir"), "vectorstore-pg-clusters");
        Path base;
        if (explicit.isPresent()) {
            base = Path.of(explicit.get()).toAbsolutePath();
        } else {
            Path workingDir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
            boolean mavenModule = Files.isDirectory(workingDir.resolve("target"))
                    || Files.exists(workingDir.resolve("pom.xml"));
            base = mavenModule ? workingDir.resolve("target") : tempBase;
        }
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new IllegalStateException("Could not create " + base + " for the PostgreSQL test cluster: " + e, e);
        }
        if (postgresUser != null) {
            Optional<Path> closed = firstUntraversable(base, postgresUser);
            if (closed.isPresent()) {
                if (explicit.isPresent()) {
                    throw new IllegalStateException(Settings.CLUSTER_BASE_DIR + "=" + base + " is not reachable by the '"
                            + OsCommand.POSTGRES_OS_USER + "' user the server runs as: " + closed.get()
                            + " lacks o+x. Run chmod o+x on it or choose another directory.");
                }
                LOG.info("{} is not traversable by the '{}' OS user, so the PostgreSQL test cluster goes under {}.",
                        closed.get(), OsCommand.POSTGRES_OS_USER, tempBase);
                try {
                    Files.createDirectories(tempBase);
                } catch (IOException e) {
                    throw new IllegalStateException("Could not create " + tempBase + ": " + e, e);
                }
                base = tempBase;
            }
        }
        return base;
    }

    private static Optional<Path> firstUntraversable(Path dir, UserPrincipal user) {
        for (Path p = dir; p != null; p = p.getParent()) {
            try {
                if (user.equals(Files.getOwner(p))) {
                    continue;
                }
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(p);
                }
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Path createClusterDir(Path baseDir) {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            byte[] bytes = new byte[4];
            random.nextBytes(bytes);
            Path dir = baseDir.resolve(DIR_PREFIX + HexFormat.of().formatHex(bytes));
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // Another JVM drew the same name; draw again.
            } catch (IOException e) {
                throw new IllegalStateException("Could not create " + dir + ": " + e, e);
            }
        }
        throw new IllegalStateException("Could not find a free cluster directory name under " + baseDir);
    }

    /** Written so a later JVM can tell whether this cluster's owner is gone (killed before its shutdown hook). */
    private static void writeOwnerFile(Path clusterDir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Properties owner = new Properties();
        owner.setProperty("pid", Long.toString(self.pid()));
        owner.setProperty("start", self.info().startInstant().map(Instant::toString).orElse(""));
        owner.setProperty("host", hostName());
        try (OutputStream out = Files.newOutputStream(clusterDir.resolve(OWNER_FILE))) {
            owner.store(out, "JVM that owns this throwaway PostgreSQL cluster");
        }
    }

    /*
     * Read from the kernel rather than InetAddress.getLocalHost(), which can block on DNS. Two containers sharing a
     * directory have different host names, so one never mistakes the other's live JVM for a dead one.
     */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("");
        }
    }

    /** Stops and deletes clusters whose JVM died without running its shutdown hook (kill -9, a crashed fork). */
    private static void reapAbandonedClusters(Path baseDir, Path bindir, OsCommand os) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(baseDir, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (isAbandoned(dir)) {
                    LOG.info("Removing abandoned PostgreSQL test cluster {}", dir);
                    destroy(bindir, dir, os);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not look for abandoned clusters in {}", baseDir, e);
        }
    }

    private static boolean isAbandoned(Path dir) throws IOException {
        Path ownerFile = dir.resolve(OWNER_FILE);
        if (!Files.exists(ownerFile)) {
            FileTime modified = Files.getLastModifiedTime(dir);
            return modified.toInstant().isBefore(Instant.now().minus(UNOWNED_GRACE));
        }
        Properties owner = new Properties();
        try (InputStream in = Files.newInputStream(ownerFile)) {
            owner.load(in);
        }
        if (!hostName().equals(owner.getProperty("host", ""))) {
            return false;
        }
        long pid = Long.parseLong(owner.getProperty("pid", "-1"));
        String start = owner.getProperty("start", "");
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        // The pid may have been reused by an unrelated process since.
        return !start.isEmpty() && !process.get().info().startInstant().map(Instant::toString).orElse(start).equals(start);
    }

    private static void initdb(Path bindir, Path clusterDir, UserPrincipal postgresUser, OsCommand os)
            throws IOException {
        Path pwFile = clusterDir.resolve("pwfile");
        Files.writeString(pwFile, PASSWORD + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
        if (postgresUser != null) {
            Files.setOwner(pwFile, postgresUser);
        }
        try {
            // Password auth on TCP (so a client that drops the password fails here as it would in production);
            // trust on the unix socket, which only this user can reach. --no-sync: the cluster is thrown away.
            Path output = clusterDir.resolve("initdb.out");
            OsCommand.Result result = os.run(List.of(bindir.resolve("initdb").toString(),
                            "-D", clusterDir.resolve("data").toString(),
                            "-U", SUPERUSER, "--pwfile=" + pwFile,
                            "--auth-host=scram-sha-256", "--auth-local=trust",
                            "--no-locale", "--encoding=UTF8", "--no-sync"),
                    clusterDir, output, INITDB_TIMEOUT);
            Files.deleteIfExists(output);
            if (!result.succeeded()) {
                throw new IllegalStateException("initdb (" + bindir + ", " + os + ") failed with exit code "
                        + result.exitCode() + ":\n" + OsCommand.tail(result.output(), LOG_TAIL_LINES));
            }
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    private static void configure(Path dataDir, Path clusterDir, boolean replication) throws IOException {
        String socketDir = clusterDir.toString();
        if (socketDir.length() > MAX_SOCKET_DIR_LENGTH) {
            socketDir = ""; // TCP only: the path would be too long for a unix socket.
        }
        String settings = String.join("\n",
                "",
                "# Added by the vectorstore test harness. The cluster is thrown away after the tests, so durability",
                "# is traded for speed, and it only listens on loopback.",
                "listen_addresses = '" + HOST + "'",
                "unix_socket_directories = '" + socketDir.replace("'", "''") + "'",
                "max_connections = 200",
                "shared_buffers = 64MB",
                "maintenance_work_mem = 128MB",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                // A replica needs the WAL of every change and a sender to stream it; without replicas, minimal WAL
                // lets bulk loads into a table created in the same transaction skip it.
                replication ? "wal_level = replica" : "wal_level = minimal",
                replication ? "max_wal_senders = 10" : "max_wal_senders = 0",
                replication ? "wal_keep_size = 256MB" : "",
                "max_wal_size = 1GB",
                "dynamic_shared_memory_type = " + dynamicSharedMemoryType(),
                "timezone = 'UTC'",
                "log_line_prefix = '%m [%p] %q%u@%d '",
                "");
        Files.writeString(dataDir.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    /*
     * Parallel HNSW builds put maintenance_work_mem into dynamic shared memory; Docker's default 64 MB /dev/shm makes
     * them fail with "could not resize shared memory segment". Files in the data directory have no such limit.
     */
    private static String dynamicSharedMemoryType() {
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.getFileStore(shm).getUsableSpace() >= 1L << 30) {
                return "posix";
            }
        } catch (IOException e) {
            // fall through
        }
        return "mmap";
    }

    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Could not find a free port on " + HOST + ": " + e, e);
        }
    }

    private static OsCommand.Result pgCtlStart(Path bindir, Path clusterDir, OsCommand os, int port) {
        return pgCtl(bindir, clusterDir, os, List.of("start", "-D", clusterDir.resolve("data").toString(),
                "-l", clusterDir.resolve("server.log").toString(), "-w", "-t", PG_CTL_WAIT_SECONDS,
                "-o", "-p " + port));
    }

    private static OsCommand.Result pgCtl(Path bindir, Path clusterDir, OsCommand os, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(bindir.resolve("pg_ctl").toString());
        command.addAll(args);
        Path output = clusterDir.resolve("pg_ctl.out");
        try {
            return os.run(command, clusterDir, output, PG_CTL_TIMEOUT);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                LOG.debug("Could not delete {}", output, e);
            }
        }
    }

    private static String serverVersion(int port) {
        PostgresUrl url = new PostgresUrl(HOST, port, PostgresUrl.DEFAULT_DATABASE, SUPERUSER, PASSWORD, Map.of());
        try (Connection connection = Jdbc.connect(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0];
        } catch (SQLException e) {
            throw new IllegalStateException("The PostgreSQL test server started on " + HOST + ":" + port
                    + " but does not accept the harness's login: " + e.getMessage(), e);
        }
    }

    private static IllegalStateException startFailure(String what, OsCommand.Result result, Path logFile) {
        String log = OsCommand.readQuietly(logFile);
        return new IllegalStateException(what + " (pg_ctl exit code " + result.exitCode() + ").\npg_ctl said:\n"
                + OsCommand.tail(result.output(), 10) + "\nLast lines of " + logFile + ":\n"
                + (log.isBlank() ? "(empty)" : OsCommand.tail(log, LOG_TAIL_LINES)));
    }

    private static String readFrom(Path file, long offset) {
        String all = OsCommand.readQuietly(file);
        byte[] bytes = all.getBytes(StandardCharsets.UTF_8);
        return offset >= bytes.length ? "" : new String(bytes, (int) offset, bytes.length - (int) offset,
                StandardCharsets.UTF_8);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debug("Could not delete all of {}", dir, e);
        }
    }

}
