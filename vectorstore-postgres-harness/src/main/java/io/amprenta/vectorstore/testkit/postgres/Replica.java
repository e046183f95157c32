package io.amprenta.vectorstore.testkit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A hot standby streaming from a {@link ReplicatedDatabase}'s primary, on a port of its own: the same databases, read
 * only, a little behind. A test can stop and start it (a replica that goes away), pause its replay (lag on demand) or
 * promote it (a failover).
 */
public final class Replica implements PostgresServer {

    private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(60);

    private final LocalCluster cluster;
    private final LocalCluster primary;
    private final PostgresUrl url;

    Replica(LocalCluster cluster, LocalCluster primary, PostgresUrl primaryDatabase) {
        this.cluster = cluster;
        this.primary = primary;
        this.url = new PostgresUrl(cluster.host(), cluster.port(), primaryDatabase.database(), primaryDatabase.user(),
                primaryDatabase.password(), primaryDatabase.parameters());
    }

    /** {@code postgresql://user:password@host:port/database}: the test class's database, on this replica. */
    public String databaseUrl() {
        return url.databaseUrl();
    }

    /** {@code jdbc:postgresql://host:port/database}, without credentials. */
    public String jdbcUrl() {
        return url.jdbcUrl();
    }

    /** A new connection to the class's database on this replica; the caller closes it. */
    public Connection connection() throws SQLException {
        return Jdbc.dataSource(url).getConnection();
    }

    /** Stops applying the primary's WAL ({@code pg_wal_replay_pause()}): what is written from now on is not seen here. */
    public void pauseReplay() {
        execute("SELECT pg_wal_replay_pause()");
    }

    /** Applies the primary's WAL again ({@code pg_wal_replay_resume()}). */
    public void resumeReplay() {
        execute("SELECT pg_wal_replay_resume()");
    }

    /** Waits until this replica has replayed everything the primary had written when called (at most a minute). */
    public void awaitReplay() {
        long deadline = System.nanoTime() + REPLAY_TIMEOUT.toNanos();
        try (Connection onPrimary = Jdbc.connect(primary.adminUrl());
             Statement statement = onPrimary.createStatement();
             ResultSet position = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            position.next();
            String target = recordEnd(position.getString(1));
            try (Connection onReplica = connection();
                 PreparedStatement check = onReplica.prepareStatement("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                check.setString(1, target);
                while (true) {
                    try (ResultSet replayed = check.executeQuery()) {
                        replayed.next();
                        if (replayed.getBoolean(1)) {
                            return;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(this + " did not replay up to " + target + " within "
                                + REPLAY_TIMEOUT.toSeconds() + " s (is its replay paused?)");
                    }
                    Thread.sleep(10);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not compare the replay position of " + this + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + this + " to replay", e);
        }
    }

    /*
     * The insert position, because the harness's servers commit asynchronously: a commit has returned before its
     * record is written, so pg_current_wal_lsn() can still be short of it. Right after a page boundary the insert
     * position counts the next page's 24-byte header, which the replica's replay position does not.
     */
    private static String recordEnd(String lsn) {
        int slash = lsn.indexOf('/');
        long position = (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
        if (position % 8192 == 24) {
            position -= 24;
        }
        return Long.toHexString(position >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /** Ends recovery ({@code pg_ctl promote}): this server stops following the primary and accepts writes. */
    public void promote() {
        cluster.promote();
    }

    @Override
    public String host() {
        return cluster.host();
    }

    @Override
    public int port() {
        return cluster.port();
    }

    @Override
    public String version() {
        return cluster.version();
    }

    @Override
    public boolean isExternal() {
        return false;
    }

    @Override
    public boolean isRunning() {
        return cluster.isRunning();
    }

    /** Stops the replica ({@code pg_ctl stop -m fast}); connections to it break, the primary goes on. */
    @Override
    public void stop() {
        cluster.stop();
    }

    /** Starts the stopped replica again on the same port; it catches up from where it stopped. */
    @Override
    public void start() {
        cluster.start();
    }

    @Override
    public void restart() {
        cluster.restart();
    }

    void close() {
        cluster.close();
    }

    private void execute(String sql) {
        try (Connection connection = Jdbc.connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "streaming replica on " + host() + ":" + port();
    }
}
