package io.amprenta.vectorstore.pgvector;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this store last set as the {@code hnsw.*} scan settings of each database session it queried through, so that a
 * query sends them only when its session does not have them yet (ARCHITECTURE.md, "The query path", step 4): as a
 * user sets {@code hnsw.ef_search} once per session, not once per query. Sessions are told apart by their physical
 * connection (a pool hands the same one out many times); one this store has not used yet is assumed to hold the
 * settings its pool starts sessions with (none for an application's DataSource).
 *
 * <p>What is remembered can be wrong: the application may {@code RESET} a session, or a pooler may hand its server
 * connection to someone else. Queries therefore also check their settings themselves ({@link Searcher}'s guard), and
 * a query that comes back short makes the session forgotten, so the next attempt sends the settings again.
 * Thread-safe.
 */
final class ScanSessions {

    /** After this many sessions found without the settings the store had set there, it sends them with every query. */
    static final int LOST_LIMIT = 3;

    private static final Logger LOG = LoggerFactory.getLogger(ScanSessions.class);

    // Weak keys: a physical connection the pool closes is forgotten with it.
    private final Map<BaseConnection, Map<String, String>> known = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, String> startup;
    private final AtomicInteger lost = new AtomicInteger();

    /** Sessions that start with the {@code hnsw.*} entries of {@code sessionDefaults}. */
    ScanSessions(Map<String, String> sessionDefaults) {
        Map<String, String> scan = new LinkedHashMap<>();
        sessionDefaults.forEach((name, value) -> {
            if (name.startsWith("hnsw.")) {
                scan.put(name, value);
            }
        });
        this.startup = Map.copyOf(scan);
    }

    /** The entries of {@code wanted} that the session of {@code connection} is not known to have; empty when none. */
    Map<String, String> missing(Connection connection, Map<String, String> wanted) throws SQLException {
        if (lost.get() >= LOST_LIMIT) {
            return wanted;
        }
        return missing(known.getOrDefault(physical(connection), startup), wanted);
    }

    /** The entries of {@code wanted} that a session this store has not used yet lacks. */
    Map<String, String> missingAtStart(Map<String, String> wanted) {
        return missing(startup, wanted);
    }

    private static Map<String, String> missing(Map<String, String> current, Map<String, String> wanted) {
        Map<String, String> missing = new LinkedHashMap<>();
        wanted.forEach((name, value) -> {
            if (!value.equals(current.get(name))) {
                missing.put(name, value);
            }
        });
        return missing;
    }

    /** Records that the session of {@code connection} now has {@code settings} (after the statement setting them committed). */
    void applied(Connection connection, Map<String, String> settings) throws SQLException {
        if (settings.isEmpty()) {
            return;
        }
        BaseConnection key = physical(connection);
        synchronized (known) {
            Map<String, String> now = new LinkedHashMap<>(known.getOrDefault(key, startup));
            now.putAll(settings);
            known.put(key, Map.copyOf(now));
        }
    }

    /** Forgets what the session of {@code connection} holds: the next query there sends every setting. */
    void forget(Connection connection) throws SQLException {
        known.put(physical(connection), Map.of());
    }

    /**
     * Records that a session had lost settings this store had set there. Sessions that keep losing them (PgBouncer in
     * transaction mode hands each transaction another server connection) are not worth remembering: from the
     * {@link #LOST_LIMIT}th time on, every query sends its settings, in the same round trip.
     */
    void lost(String table) {
        if (lost.incrementAndGet() == LOST_LIMIT) {
            LOG.warn("Queries of {} found their connection's session without the scan settings set on it {} times (a"
                    + " pooler in transaction mode, or the application resetting sessions): from now on they send the"
                    + " settings with every query.", table, LOST_LIMIT);
        }
    }

    private static BaseConnection physical(Connection connection) throws SQLException {
        return connection.unwrap(BaseConnection.class);
    }
}
