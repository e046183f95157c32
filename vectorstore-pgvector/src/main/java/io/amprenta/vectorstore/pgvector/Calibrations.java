package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search settings in force for one table: the explicitly configured ones, else the calibration stored in the
 * database for the table's size and for filtered or unfiltered queries, else the defaults (ARCHITECTURE.md, "The query
 * path", step 4). Stored calibrations are re-read at most every {@link #TTL}, on the connection of the query that finds
 * them stale, so every instance picks up a re-calibration within that time and pays for it with three short statements
 * per period. The same read takes the namespaces' shares of the table from the planner's statistics. Thread-safe.
 */
final class Calibrations {

    /** How long a read of the calibration table is trusted. */
    static final Duration TTL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Calibrations.class);

    private final TableNames names;
    private final PgVectorSettings settings;
    private final long ttlNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean warnedUnreadable = new AtomicBoolean();
    private volatile Snapshot snapshot;

    /**
     * The setting a query runs with, and where it came from.
     *
     * @param efSearch the {@code hnsw.ef_search} (before raising it to top-k)
     * @param iterativeScan the {@code hnsw.iterative_scan}
     * @param calibration the stored calibration that supplied a value, if any
     * @param source where the ef_search came from, for {@code health} and {@code schema status}
     */
    record Tuning(int efSearch, IterativeScan iterativeScan, Optional<SearchCalibration> calibration, String source) {
    }

    /** A namespace holding at least this share of the table's rows is searched as the whole table. */
    static final double WHOLE_TABLE_SHARE = 0.9;

    // What one read of the catalog and the calibration table found; tableRows is -1 when never analyzed. The shares
    // of the most common namespaces come from the planner's statistics (empty when never analyzed).
    private record Snapshot(List<SearchCalibration> calibrations, long tableRows, Map<String, Double> namespaceShares,
                            long readAtNanos) {
    }

    /** The settings in force for the table of {@code names}, trusting a read of the calibrations for {@code ttl}. */
    Calibrations(TableNames names, PgVectorSettings settings, Duration ttl) {
        this.names = names;
        this.settings = settings;
        this.ttlNanos = ttl.toNanos();
    }

    /** The tuning of a query, re-reading the stored calibrations on {@code connection} first when they are stale. */
    Tuning tuning(Connection connection, boolean filtered) throws SQLException {
        Snapshot current = snapshot;
        if ((current == null || System.nanoTime() - current.readAtNanos() >= ttlNanos) && refreshing.compareAndSet(false, true)) {
            try {
                snapshot = read(connection);
            } finally {
                refreshing.set(false);
            }
        }
        return tuning(filtered);
    }

    /**
     * Whether an unfiltered query in {@code namespace} scans (nearly) the whole table, as last read from the planner's
     * statistics: then no row the index yields is thrown away, and an iterative scan would only cost time (it keeps
     * every candidate it passes over). False when unknown (never analyzed, or not read yet).
     */
    boolean coversTable(String namespace) {
        Snapshot current = snapshot;
        return current != null && current.namespaceShares().getOrDefault(namespace, 0.0) >= WHOLE_TABLE_SHARE;
    }

    /** The tuning of a query from what was last read, without touching the database. */
    Tuning tuning(boolean filtered) {
        Snapshot current = snapshot;
        Optional<SearchCalibration> calibration = current == null || fullyConfigured() ? Optional.empty()
                : choose(current.calibrations(), filtered, current.tableRows());
        int efSearch = settings.configuredEfSearch().orElse(calibration.map(SearchCalibration::efSearch).orElse(settings.efSearch()));
        IterativeScan scan = settings.configuredIterativeScan().orElse(calibration.map(SearchCalibration::iterativeScan)
                .orElse(settings.iterativeScan()));
        String source = settings.configuredEfSearch().isPresent() ? PgVectorSettings.EF_SEARCH.key()
                : calibration.map(c -> "calibration: " + c.describe())
                .orElse("default (not calibrated: run `vectorstore calibrate --save`)");
        return new Tuning(efSearch, scan, calibration.filter(c -> settings.configuredEfSearch().isEmpty()), source);
    }

    /** Forgets what was read, so the next query reads the calibrations again (after this process saved one). */
    void invalidate() {
        snapshot = null;
    }

    private boolean fullyConfigured() {
        return settings.configuredEfSearch().isPresent() && settings.configuredIterativeScan().isPresent();
    }

    /**
     * The calibration for a query: the filtered one for filtered queries when there is one (else the unfiltered),
     * of the size class nearest the table's; the larger class on a tie, or when the table's size is unknown, because a
     * larger graph needs the larger ef_search.
     */
    static Optional<SearchCalibration> choose(List<SearchCalibration> all, boolean filtered, long tableRows) {
        List<SearchCalibration> candidates = all.stream().filter(c -> c.filtered() == filtered).toList();
        if (candidates.isEmpty() && filtered) {
            candidates = all.stream().filter(c -> !c.filtered()).toList();
        }
        if (tableRows < 0) {
            return candidates.stream().max(Comparator.comparingInt(SearchCalibration::sizeClass));
        }
        int size = SearchCalibration.sizeClass(tableRows);
        Comparator<SearchCalibration> nearest = Comparator.comparingInt(c -> Math.abs(c.sizeClass() - size));
        Comparator<SearchCalibration> larger = Comparator.comparingInt(SearchCalibration::sizeClass);
        return candidates.stream().min(nearest.thenComparing(larger.reversed()));
    }

    private Snapshot read(Connection connection) throws SQLException {
        String calibrationTable = names.schema() + "." + TableNames.CALIBRATION_TABLE;
        Jdbc.Statement probe = Jdbc.Statement.of("SELECT (SELECT reltuples::int8 FROM pg_class WHERE oid = to_regclass(?)),"
                + " CASE WHEN to_regclass(?) IS NULL THEN false ELSE has_table_privilege(to_regclass(?)::oid, 'SELECT') END,"
                + " s.most_common_vals::text::text[], s.most_common_freqs FROM (SELECT 1) AS one LEFT JOIN pg_stats s"
                + " ON s.schemaname = ? AND s.tablename = ? AND s.attname = ?",
                names.qualified(), names.calibrationTable(), names.calibrationTable(), names.schema(), names.table(),
                TableNames.NAMESPACE);
        Map<String, Double> shares = new HashMap<>();
        Optional<long[]> found = Jdbc.first(connection, probe, row -> {
            Array values = row.getArray(3);
            Array freqs = row.getArray(4);
            if (values != null && freqs != null) {
                Object[] namespaces = (Object[]) values.getArray();
                Object[] frequencies = (Object[]) freqs.getArray();
                for (int i = 0; i < Math.min(namespaces.length, frequencies.length); i++) {
                    shares.put((String) namespaces[i], ((Number) frequencies[i]).doubleValue());
                }
            }
            return new long[] {row.getLong(1), row.getBoolean(2) ? 1 : 0};
        });
        long tableRows = found.map(values -> values[0]).orElse(-1L);
        boolean readable = found.map(values -> values[1] == 1).orElse(false);
        if (!readable || fullyConfigured()) {
            if (!readable && found.isPresent() && warnedUnreadable.compareAndSet(false, true)) {
                LOG.debug("No readable {}: {} runs with {}={} unless calibrated", calibrationTable, names.display(),
                        PgVectorSettings.EF_SEARCH.key(), settings.efSearch());
            }
            return new Snapshot(List.of(), tableRows, Map.copyOf(shares), System.nanoTime());
        }
        return new Snapshot(list(connection, names), tableRows, Map.copyOf(shares), System.nanoTime());
    }

    /**
     * Every calibration stored for the table of {@code names} that measured the vector index standing now (or recorded
     * none: see {@link SchemaScripts#calibrationIndexColumn}); the calibration table must exist. One measured on an
     * index since rebuilt with other parameters says nothing about this one, so it is left out, and with it out of
     * every choice of a setting and of {@code schema status}.
     */
    static List<SearchCalibration> list(Connection connection, TableNames names) throws SQLException {
        // A calibration table made by an earlier version lacks the column until the next upgrade or save adds it.
        boolean recordsIndex = Jdbc.first(connection, Jdbc.Statement.of("SELECT EXISTS (SELECT FROM pg_attribute WHERE"
                + " attrelid = to_regclass(?) AND attname = 'index_definition' AND NOT attisdropped)", names.calibrationTable()),
                row -> row.getBoolean(1)).orElse(false);
        String sameIndex = recordsIndex ? " AND (index_definition IS NULL OR index_definition = "
                + SchemaScripts.VECTOR_INDEX_DEFINITION + ")" : "";
        List<Object> parameters = recordsIndex ? List.of(names.schema(), names.table(), names.qualified())
                : List.of(names.schema(), names.table());
        List<Optional<SearchCalibration>> rows = Jdbc.list(connection, new Jdbc.Statement("SELECT filtered, row_count, ef_search,"
                + " iterative_scan, recall, target_recall, top_k, queries, measured_at FROM " + names.calibrationTable()
                + " WHERE table_schema = ? AND table_name = ?" + sameIndex + " ORDER BY filtered, size_class", parameters),
                row -> {
                    IterativeScan scan;
                    try {
                        scan = PgVectorSettings.ITERATIVE_SCAN.parse(row.getString(4));
                    } catch (ConfigurationException e) {
                        // Written by hand or by a newer library: unusable here, so the defaults apply instead.
                        return Optional.empty();
                    }
                    return Optional.of(new SearchCalibration(row.getBoolean(1), row.getLong(2), row.getInt(3), scan,
                            row.getDouble(5), row.getDouble(6), row.getInt(7), row.getInt(8),
                            row.getObject(9, OffsetDateTime.class).toInstant()));
                });
        return rows.stream().flatMap(Optional::stream).toList();
    }

    /** Whether the calibration table exists in the table's schema. */
    static boolean tableExists(Connection connection, TableNames names) throws SQLException {
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL", names.calibrationTable()),
                row -> row.getBoolean(1)).orElse(false);
    }

    /**
     * Stores {@code calibration} for the table of {@code names}, replacing the one of the same kind and size class, with
     * the definition of the vector index standing now (the one it measured); creates the calibration table when
     * missing. Runs in the caller's transaction, under the schema lock.
     */
    static void save(Connection connection, TableNames names, SearchCalibration calibration) throws SQLException {
        Jdbc.execute(connection, SchemaScripts.lock());
        Jdbc.execute(connection, SchemaScripts.calibrationTable(names));
        Jdbc.execute(connection, SchemaScripts.calibrationIndexColumn(names));
        Jdbc.update(connection, Jdbc.Statement.of("INSERT INTO " + names.calibrationTable() + " (table_schema, table_name,"
                + " filtered, size_class, row_count, ef_search, iterative_scan, recall, target_recall, top_k, queries,"
                + " measured_at, index_definition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + SchemaScripts.VECTOR_INDEX_DEFINITION + ") ON CONFLICT (table_schema, table_name, filtered,"
                + " size_class) DO UPDATE SET row_count = excluded.row_count, ef_search = excluded.ef_search, iterative_scan ="
                + " excluded.iterative_scan, recall = excluded.recall, target_recall = excluded.target_recall, top_k ="
                + " excluded.top_k, queries = excluded.queries, measured_at = excluded.measured_at, measured_by = current_user,"
                + " index_definition = excluded.index_definition",
                names.schema(), names.table(), calibration.filtered(), calibration.sizeClass(), calibration.rows(),
                calibration.efSearch(), calibration.iterativeScan().sqlValue(), calibration.recall(), calibration.targetRecall(),
                calibration.topK(), calibration.queries(), calibration.measuredAt().atOffset(ZoneOffset.UTC),
                names.qualified()));
    }
}
