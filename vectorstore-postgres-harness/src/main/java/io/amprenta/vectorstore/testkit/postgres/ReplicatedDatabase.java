package io.amprenta.vectorstore.testkit.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A test database on a primary that can have streaming replicas, handed to a test by {@link PostgresExtension} (take
 * a {@code ReplicatedDatabase} parameter). The primary is a throwaway cluster of its own, created once per JVM for
 * replication ({@code wal_level = replica}) from the machine's PostgreSQL programs, so the shared server keeps its
 * faster settings; {@link #startReplica()} adds a hot standby of it ({@code pg_basebackup -R}) on another port. Every
 * test class gets its own database and its own replicas, dropped and deleted when the class ends.
 *
 * <p>Replicas need PostgreSQL's programs on this machine ({@code pg_basebackup}, {@code pg_ctl}): the harness cannot
 * make a replica of an external server or of a container. Without them, {@link #primary()} and
 * {@link #startReplica()} skip the test through a JUnit assumption that says so.
 */
public final class ReplicatedDatabase implements AutoCloseable {

    private static LocalCluster sharedPrimary;
    private static RuntimeException sharedFailure;

    private final String owner;
    private final List<Replica> replicas = new ArrayList<>();
    private DatabaseScope scope;
    private TestDatabase database;
    private boolean closed;

    ReplicatedDatabase(String owner) {
        this.owner = owner;
    }

    /** The class's database on the replication primary, with pgvector enabled; writes go here. */
    public synchronized TestDatabase primary() {
        if (database == null) {
            scope = new DatabaseScope(primaryServer(), owner);
            database = scope.primary();
        }
        return database;
    }

    /**
     * A new streaming replica of the primary, running and caught up with everything committed so far (so it has the
     * class's database); stopped and deleted when the class ends.
     */
    public synchronized Replica startReplica() {
        if (closed) {
            throw new IllegalStateException("The test class this replica would belong to has already finished.");
        }
        TestDatabase db = primary();
        LocalCluster primary = primaryServer();
        Replica replica = new Replica(primary.startReplica(), primary, PostgresUrl.parse(db.databaseUrl()));
        replicas.add(replica);
        replica.awaitReplay();
        return replica;
    }

    /** Deletes the class's replicas, then drops its database. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        replicas.forEach(Replica::close);
        if (scope != null) {
            scope.close();
        }
    }

    private static synchronized LocalCluster primaryServer() {
        if (sharedPrimary != null) {
            sharedPrimary.ensureRunning();
            return sharedPrimary;
        }
        if (sharedFailure != null) {
            throw new IllegalStateException("The replication primary could not be set up earlier in this JVM: "
                    + sharedFailure.getMessage(), sharedFailure);
        }
        Optional<java.nio.file.Path> bindir = localPrograms();
        Assumptions.assumeTrue(bindir.isPresent(), () -> "Skipped: streaming replicas need PostgreSQL's own programs"
                + " (initdb, pg_ctl, pg_basebackup) on this machine, and none were found; the harness cannot make a"
                + " replica of a container or an external server. " + PostgresBinaries.INSTALL_HINT);
        try {
            sharedPrimary = LocalCluster.create(bindir.orElseThrow(), true);
            return sharedPrimary;
        } catch (RuntimeException e) {
            sharedFailure = e;
            throw e;
        }
    }

    private static Optional<java.nio.file.Path> localPrograms() {
        try {
            java.nio.file.Path bindir = PostgresBinaries.find(PostgresBinaries.REAL);
            return java.nio.file.Files.isExecutable(bindir.resolve("pg_basebackup")) ? Optional.of(bindir) : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ReplicatedDatabase[" + (database == null ? "not created yet" : database) + ", " + replicas.size()
                + " replicas]";
    }
}
