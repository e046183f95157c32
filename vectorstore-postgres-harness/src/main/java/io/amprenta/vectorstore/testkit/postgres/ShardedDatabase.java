package io.amprenta.vectorstore.testkit.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases on several independent PostgreSQL servers, for tests of a table sharded across servers, handed to a test
 * by {@link PostgresExtension} (take a {@code ShardedDatabase} parameter). The servers are throwaway clusters of
 * their own (the JVM's shared server may be a container or an external server, which a {@code postgres_fdw} on
 * another server could not reach), started together once per JVM when first asked for (one {@code initdb}, copied) and kept until it exits;
 * every test class gets its own databases on them, dropped when the class ends. The coordinator's database lives on
 * the first server, beside the first shard's: they are different databases, reached over TCP as any other server.
 *
 * <p>Without the machine's PostgreSQL programs ({@code initdb}, {@code pg_ctl}), {@link #coordinator()} and
 * {@link #shards(int)} skip the test through a JUnit assumption that says so.
 */
public final class ShardedDatabase implements AutoCloseable {

    /** The most servers a test can ask for. */
    public static final int MAX_SERVERS = 3;

    private static final List<LocalCluster> SERVERS = new ArrayList<>();
    private static RuntimeException sharedFailure;

    private final String owner;
    private final List<DatabaseScope> scopes = new ArrayList<>();
    private TestDatabase coordinator;
    private final List<TestDatabase> shards = new ArrayList<>();
    private boolean closed;

    ShardedDatabase(String owner) {
        this.owner = owner;
    }

    /** The class's coordinator database (pgvector enabled; the test creates {@code postgres_fdw} itself). */
    public synchronized TestDatabase coordinator() {
        if (coordinator == null) {
            coordinator = scope(0).create();
        }
        return coordinator;
    }

    /**
     * The class's shard databases on the first {@code count} servers (1 to {@value #MAX_SERVERS}), one per server,
     * with pgvector enabled; the same ones on every call.
     */
    public synchronized List<TestDatabase> shards(int count) {
        if (count < 1 || count > MAX_SERVERS) {
            throw new IllegalArgumentException("between 1 and " + MAX_SERVERS + " shards, not " + count);
        }
        servers();
        while (shards.size() < count) {
            shards.add(scope(shards.size()).create());
        }
        return List.copyOf(shards.subList(0, count));
    }

    /** Drops the class's databases on every server. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        scopes.forEach(DatabaseScope::close);
    }

    private DatabaseScope scope(int server) {
        if (closed) {
            throw new IllegalStateException("The test class these databases belong to has already finished.");
        }
        List<LocalCluster> servers = servers();
        while (scopes.size() <= server) {
            scopes.add(new DatabaseScope(servers.get(scopes.size()), owner));
        }
        return scopes.get(server);
    }

    private static synchronized List<LocalCluster> servers() {
        if (sharedFailure != null) {
            throw new IllegalStateException("The shard servers could not be set up earlier in this JVM: "
                    + sharedFailure.getMessage(), sharedFailure);
        }
        Optional<Path> bindir = localPrograms();
        Assumptions.assumeTrue(bindir.isPresent(), () -> "Skipped: shard servers are throwaway clusters made with"
                + " PostgreSQL's own programs (initdb, pg_ctl), and none were found on this machine. "
                + PostgresBinaries.INSTALL_HINT);
        if (SERVERS.isEmpty()) {
            try {
                // All of them at once: one initdb, copied (LocalCluster.createSeveral).
                SERVERS.addAll(LocalCluster.createSeveral(bindir.orElseThrow(), MAX_SERVERS));
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        SERVERS.forEach(LocalCluster::ensureRunning);
        return List.copyOf(SERVERS);
    }

    private static Optional<Path> localPrograms() {
        try {
            Path bindir = PostgresBinaries.find(PostgresBinaries.REAL);
            return Files.isExecutable(bindir.resolve("initdb")) ? Optional.of(bindir) : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ShardedDatabase[" + owner + ", " + shards.size() + " shards]";
    }
}
