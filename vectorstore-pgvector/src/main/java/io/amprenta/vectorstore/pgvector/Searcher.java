package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.internal.CodePointOrder;
import com.pgvector.PGvector;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs nearest-neighbour queries. The query vector is a bound parameter; the inner query orders by the bare
 * distance operator with a {@code LIMIT}, which is the shape the HNSW index serves, and the namespace and metadata
 * filter are plain {@code WHERE} conditions on it.
 *
 * <p>The scan settings a query needs ({@code hnsw.ef_search} raised to top-k, since the scan never yields more rows
 * than ef_search otherwise; iterative scans where the filter or the namespace thins out the candidates) are kept in
 * the session ({@link ScanSessions}) and sent in the query's round trip only when the session lacks them.
 * Relaxed-order scans may return rows slightly out of order; the searcher sorts the rows it reads again (an outer query re-scores
 * them on the exact distance when the index works in half precision).
 *
 * <p>An approximate scan can still come back short (the iterative scan hit {@code hnsw.max_scan_tuples}, or parts of
 * the graph are unreachable); then, unless disabled, the query is answered again by exact search, so a query returns
 * fewer than top-k rows only when fewer records match.
 */
final class Searcher {

    private static final Logger LOG = LoggerFactory.getLogger(Searcher.class);
    // The sparse values' columns under the names every inner select gives them.
    private static final String SPARSE_ALIASES = "sparse_indices, sparse_values";

    private final PgVectorSettings settings;
    private final TableLayout layout;
    private final FilterCompiler filters;
    private final Database database;
    private final Calibrations calibrations;
    private final ScanSessions sessions;
    private final AtomicBoolean warnedShort = new AtomicBoolean();

    /**
     * A searcher over {@code layout} with the tuning of {@code settings}.
     *
     * @param database where queries run; it knows the settings every connection starts with (the store's own pool
     *     sets {@link #sessionDefaults(PgVectorSettings)} at connection start) and adds the statement timeout
     * @param calibrations the search settings in force: configured, calibrated or default
     */
    Searcher(PgVectorSettings settings, TableLayout layout, Database database, Calibrations calibrations) {
        this.settings = settings;
        this.layout = layout;
        this.database = database;
        this.calibrations = calibrations;
        this.sessions = new ScanSessions(database.sessionDefaults());
        this.filters = new FilterCompiler(layout.names().metadata());
    }

    /**
     * What a pool dedicated to the store sets once per connection (as startup options, which {@code RESET} and
     * {@code DISCARD ALL} return to): the scan settings of a query whose top-k does not exceed ef_search and the
     * statement timeout. Queries then need no per-query settings, which cost a second statement in the round trip.
     * (Custom plans for filtered queries come from one-shot statements instead: see {@link #search}.)
     */
    public static Map<String, String> sessionDefaults(PgVectorSettings settings) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("hnsw.ef_search", String.valueOf(settings.efSearch()));
        defaults.put("hnsw.iterative_scan", settings.iterativeScan().sqlValue());
        defaults.put("hnsw.max_scan_tuples", String.valueOf(settings.maxScanTuples()));
        if (!settings.statementTimeout().isZero()) {
            defaults.put("statement_timeout", timeout(settings));
        }
        return defaults;
    }

    /** {@code settings} as startup options: {@code -c name=value ...} (names and values have no spaces). */
    public static String startupOptions(Map<String, String> settings) {
        StringBuilder options = new StringBuilder();
        settings.forEach((name, value) -> options.append(options.length() == 0 ? "" : " ").append("-c ").append(name)
                .append('=').append(value));
        return options.toString();
    }

    private static String timeout(PgVectorSettings settings) {
        return settings.statementTimeout().toMillis() + "ms";
    }

    /**
     * The matches for {@code query} in {@code namespace}, best first; ends the transaction it starts. One round trip
     * in the common case (ARCHITECTURE.md, "The query path", step 4): the scan settings are sent, at session level and
     * in front of the query, only when this session is not known to have them ({@link ScanSessions}), and the query
     * checks them itself (a guard that yields no rows when they are not in force, which the retry below repairs).
     * Filtered queries run as one-shot statements, which PostgreSQL plans with their filter's values every time: a
     * generic plan assumes a fixed selectivity for {@code metadata @> $1} and then sorts every row a broad filter
     * matches instead of scanning the HNSW index. Unfiltered queries may use the generic plan, as a hand-written one
     * does.
     */
    public List<Match> search(Connection connection, String namespace, Query query) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            Calibrations.Tuning tuning = calibrations.tuning(connection, query.filter() != null);
            Map<String, String> scan = scanSettings(namespace, query, tuning);
            // A hybrid query's candidates do not all come through the guarded index scan: it always sends its settings.
            Map<String, String> send = query.hasSparseVector() ? scan : sessions.missing(connection, scan);
            List<Match> matches = approximate(connection, namespace, query, scan, send);
            if (matches.size() < query.topK() && send.size() < scan.size()) {
                // Short: the session may have lost settings it was believed to have (the guard then yields nothing).
                sessions.forget(connection);
                int before = matches.size();
                matches = approximate(connection, namespace, query, scan, scan);
                if (matches.size() > before) {
                    sessions.lost(layout.names().display());
                }
            }
            if (matches.size() < query.topK() && settings.exactFallback()) {
                List<Match> exact = exactSearch(connection, namespace, query);
                if (exact.size() > matches.size()) {
                    logShortScan(matches.size(), exact.size(), query.topK());
                    matches = exact;
                }
            }
            if (!autoCommit) {
                connection.commit();
            }
            return matches;
        } catch (SQLException | RuntimeException e) {
            // A failed statement took its settings with it (they roll back with the transaction).
            sessions.forget(connection);
            if (!autoCommit) {
                connection.rollback();
            }
            throw e;
        }
    }

    // The approximate query, preceded by the session settings in send (and the statement timeout) when there are any.
    private List<Match> approximate(Connection connection, String namespace, Query query, Map<String, String> scan,
                                    Map<String, String> send) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String prologue = prologue(send, parameters);
        String sql = indexSql(namespace, query, scan, parameters);
        List<Match> matches = run(connection, new SqlFragment(prologue.isEmpty() ? sql : prologue + ";\n" + sql, parameters),
                query);
        sessions.applied(connection, send);
        return matches;
    }

    /**
     * The approximate query as sent on a session that starts as the store's sessions do, preceded by the settings such
     * a session does not already have: in auto-commit mode both statements run in one implicit transaction and one
     * round trip. {@link SqlFragment#sql()} starts with {@code SELECT set_config} when there is such a prologue.
     */
    public SqlFragment approximateSql(String namespace, Query query) {
        Map<String, String> scan = scanSettings(namespace, query, calibrations.tuning(query.filter() != null));
        List<Object> parameters = new ArrayList<>();
        String prologue = prologue(sessions.missingAtStart(scan), parameters);
        String sql = indexSql(namespace, query, scan, parameters);
        return new SqlFragment(prologue.isEmpty() ? sql : prologue + ";\n" + sql, parameters);
    }

    /**
     * Only the query of {@link #approximateSql}, without the settings: what a plain JDBC client would run after
     * setting {@code hnsw.ef_search} itself (the benchmark's baseline, and what EXPLAIN is run on).
     */
    public SqlFragment indexQuery(String namespace, Query query) {
        List<Object> parameters = new ArrayList<>();
        String sql = indexSql(namespace, query, scanSettings(namespace, query, calibrations.tuning(query.filter() != null)),
                parameters);
        return new SqlFragment(sql, parameters);
    }

    /**
     * The settings a query runs with: {@code hnsw.ef_search} (raised to top-k), {@code hnsw.iterative_scan} and
     * {@code hnsw.max_scan_tuples}. An unfiltered dense query in a namespace that holds (nearly) the whole table runs
     * without an iterative scan: no candidate is filtered out, so it finds the same rows, and the iterative scan's
     * bookkeeping only costs time.
     */
    public Map<String, String> scanSettings(String namespace, Query query) {
        return scanSettings(namespace, query, calibrations.tuning(query.filter() != null));
    }

    /** The search settings in force for filtered or unfiltered queries, as last read. */
    Calibrations.Tuning tuning(boolean filtered) {
        return calibrations.tuning(filtered);
    }

    private Map<String, String> scanSettings(String namespace, Query query, Calibrations.Tuning tuning) {
        int topK = query.topK();
        boolean wholeTable = query.filter() == null && !query.hasSparseVector() && calibrations.coversTable(namespace);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("hnsw.ef_search", String.valueOf(Math.min(PgVectorSettings.MAX_EF_SEARCH, Math.max(tuning.efSearch(), topK))));
        values.put("hnsw.iterative_scan", (wholeTable ? PgVectorSettings.IterativeScan.OFF : tuning.iterativeScan()).sqlValue());
        values.put("hnsw.max_scan_tuples", String.valueOf(Math.max(settings.maxScanTuples(),
                (long) topK * 2 > Integer.MAX_VALUE ? Integer.MAX_VALUE : topK * 2)));
        return values;
    }

    // The session settings in session (kept by the session, see ScanSessions) and the statement timeout (for this
    // transaction only, unless sessions start with it), as one SELECT; empty when there is nothing to send.
    private String prologue(Map<String, String> session, List<Object> parameters) {
        StringBuilder sql = new StringBuilder();
        session.forEach((name, value) -> {
            sql.append(sql.length() == 0 ? "SELECT " : ", ").append("set_config('").append(name).append("', ?, false)");
            parameters.add(value);
        });
        Jdbc.Statement timeout = database.prologue(Map.of());
        if (timeout != null) {
            sql.append(sql.length() == 0 ? timeout.sql() : ", " + timeout.sql().substring("SELECT ".length()));
            parameters.addAll(timeout.parameters());
        }
        return sql.toString();
    }

    // The multiple of top-k re-scored exactly from a half-precision index (rescoreCandidates).
    private static final int RESCORE_FACTOR = 4;

    // A condition true only while the session runs with the settings in scan: a query on a session that lost them
    // (RESET, a pooler's reassignment) yields no rows instead of quietly running with pgvector's defaults. It is
    // constant for the statement, so PostgreSQL checks it once, before the scan.
    private static void appendGuard(StringBuilder sql, Map<String, String> scan, List<Object> parameters) {
        scan.forEach((name, value) -> {
            sql.append(" AND current_setting('").append(name).append("', true) = ?");
            parameters.add(value);
        });
    }

    private String indexSql(String namespace, Query query, Map<String, String> scan, List<Object> parameters) {
        if (query.hasSparseVector()) {
            return hybridSql(namespace, query, parameters);
        }
        VectorColumn vector = layout.vector();
        if (layout.shards().isEmpty() && !vector.indexesHalfvecExpression()) {
            return plainSql(namespace, query, scan, parameters);
        }
        // A halfvec expression index (its candidates are scored again on the full-precision column) or shards (each
        // shard's top-k, merged): the candidates first, then the top-k among them.
        String embedding = TableNames.column(TableNames.EMBEDDING);
        String operator = VectorColumn.operator(settings.metric());
        boolean rescore = vector.indexesHalfvecExpression();
        int candidates = rescore ? rescoreCandidates(query.topK(), calibrations.tuning(query.filter() != null).efSearch())
                : query.topK();
        StringBuilder select = new StringBuilder("SELECT ")
                .append(layout.idType().asText(layout.names().id())).append(" AS id");
        if (query.includeMetadata()) {
            select.append(", ").append(layout.names().metadata()).append(" AS metadata");
        }
        if (query.includeValues() || rescore) {
            select.append(", ").append(embedding).append(" AS embedding");
        }
        if (query.includeValues()) {
            select.append(", ").append(Rows.sparseColumns(layout));
        }
        select.append(", ").append(vector.indexExpression(embedding)).append(' ').append(operator).append(' ')
                .append(vector.indexParameter()).append(" AS distance\n  FROM ");
        PGvector bound = new PGvector(query.vector());
        StringBuilder sql = new StringBuilder("WITH candidates AS MATERIALIZED (\n  ");
        if (layout.shards().isPresent()) {
            // One branch per shard, each with its own top-k (ARCHITECTURE.md, "Shards"); the shards' scan settings
            // are their foreign servers' options, so no guard on this session's.
            ShardedSearch.candidates(sql, layout.shards().get(), select.toString(), candidates, (branch, partition) -> {
                parameters.add(bound);
                appendWhere(branch, namespace, query, parameters);
            });
            sql.append("\n)\nSELECT id");
        } else {
            sql.append(select).append(layout.names().qualified());
            parameters.add(bound);
            appendWhere(sql, namespace, query, parameters);
            appendGuard(sql, scan, parameters);
            sql.append("\n  ORDER BY distance LIMIT ?\n)\nSELECT id");
            parameters.add(candidates);
        }
        if (query.includeMetadata()) {
            sql.append(", metadata");
        }
        if (query.includeValues()) {
            sql.append(", ").append(vector.readExpression("embedding")).append(", ").append(SPARSE_ALIASES);
        }
        if (rescore) {
            sql.append(", embedding ").append(operator).append(' ').append(vector.columnParameter()).append(" AS exact");
            parameters.add(bound);
            sql.append("\nFROM candidates ORDER BY exact, id COLLATE \"C\"");
        } else {
            sql.append(", distance AS exact\nFROM candidates ORDER BY distance + 0, id COLLATE \"C\"");
        }
        return sql.append(" LIMIT ").append(query.topK()).toString();
    }

    /**
     * How many of a half-precision index's nearest rows are re-scored exactly for top-k: {@value #RESCORE_FACTOR}
     * times top-k, at most ef_search (the scan finds that many anyway) and at least top-k. Half precision
     * reorders near-ties, so the exact top-k can sit just below the index's top-k (docs/pgvector.md, "Full or half
     * precision", measures it).
     */
    static int rescoreCandidates(int topK, int efSearch) {
        long multiple = (long) topK * RESCORE_FACTOR;
        return (int) Math.max(topK, Math.min(multiple, Math.max(efSearch, topK)));
    }

    /**
     * The query a user would write by hand, plus the namespace, the filter and the settings guard: the bare distance
     * operator in {@code ORDER BY} with a literal {@code LIMIT} (the shape the HNSW index serves, and a generic plan
     * keeps it). The few rows a relaxed-order scan returns slightly out of order are sorted in {@link #read}, not by
     * a wrapping query.
     */
    private String plainSql(String namespace, Query query, Map<String, String> scan, List<Object> parameters) {
        VectorColumn vector = layout.vector();
        String embedding = TableNames.column(TableNames.EMBEDDING);
        StringBuilder sql = new StringBuilder("SELECT ").append(layout.idType().asText(layout.names().id())).append(" AS id");
        if (query.includeMetadata()) {
            sql.append(", ").append(layout.names().metadata()).append(" AS metadata");
        }
        if (query.includeValues()) {
            sql.append(", ").append(vector.readExpression(embedding)).append(" AS embedding, ").append(Rows.sparseColumns(layout));
        }
        sql.append(", ").append(vector.indexExpression(embedding)).append(' ').append(VectorColumn.operator(settings.metric()))
                .append(' ').append(vector.indexParameter()).append(" AS distance\nFROM ").append(layout.names().qualified());
        parameters.add(new PGvector(query.vector()));
        appendWhere(sql, namespace, query, parameters);
        appendGuard(sql, scan, parameters);
        return sql.append("\nORDER BY distance LIMIT ").append(query.topK()).toString();
    }

    /** The exact query: the subquery's {@code OFFSET 0} keeps the planner from using the vector index. */
    public SqlFragment exactSql(String namespace, Query query) {
        VectorColumn vector = layout.vector();
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id");
        if (query.includeMetadata()) {
            sql.append(", metadata");
        }
        if (query.includeValues()) {
            sql.append(", ").append(vector.readExpression("embedding")).append(", ").append(SPARSE_ALIASES);
        }
        sql.append(", exact FROM (\n  SELECT ").append(layout.idType().asText(layout.names().id())).append(" AS id, ")
                .append(layout.names().metadata()).append(" AS metadata, ")
                .append(TableNames.column(TableNames.EMBEDDING)).append(" AS embedding, ");
        appendExactScore(sql, query, parameters);
        sql.append(" AS exact\n  FROM ").append(layout.names().qualified());
        appendWhere(sql, namespace, query, parameters);
        sql.append("\n  OFFSET 0\n) AS everything ORDER BY exact, id COLLATE \"C\" LIMIT ?");
        parameters.add(query.topK());
        return new SqlFragment(sql.toString(), parameters);
    }

    /**
     * A hybrid query (dense plus sparse dot product, ARCHITECTURE.md "Sparse values"). Candidates are the union of the dense top {@code 2 * topK} from the HNSW index and
     * every row whose sparse indices overlap the query's (the GIN index on the indices answers {@code &&} exactly, for
     * every index up to 2^32 - 1); each candidate is then scored exactly from the stored columns. Rows outside the
     * overlap score their dense part alone, so with non-negative sparse values the true top-k is among the
     * candidates whenever the dense index finds the dense top-k: recall is the dense index's.
     */
    private String hybridSql(String namespace, Query query, List<Object> parameters) {
        VectorColumn vector = layout.vector();
        TableNames names = layout.names();
        int candidates = query.topK() > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : query.topK() * 2;
        StringBuilder sql = new StringBuilder("WITH dense AS MATERIALIZED (\n  SELECT ").append(names.id())
                .append(" AS id FROM ").append(names.qualified());
        appendWhere(sql, namespace, query, parameters);
        sql.append("\n  ORDER BY ").append(vector.indexExpression(TableNames.column(TableNames.EMBEDDING))).append(' ')
                .append(VectorColumn.operator(settings.metric())).append(' ').append(vector.indexParameter())
                .append(" LIMIT ?\n), candidates AS (\n  SELECT id FROM dense\n  UNION\n  SELECT ").append(names.id())
                .append(" FROM ").append(names.qualified());
        parameters.add(new PGvector(query.vector()));
        parameters.add(candidates);
        appendWhere(sql, namespace, query, parameters);
        sql.append(" AND ").append(TableNames.column(TableNames.SPARSE_INDICES)).append(" && ?::int8[]\n)\n");
        parameters.add(query.sparseVector().indices());
        sql.append("SELECT id");
        if (query.includeMetadata()) {
            sql.append(", metadata");
        }
        if (query.includeValues()) {
            sql.append(", ").append(vector.readExpression("embedding")).append(", ").append(SPARSE_ALIASES);
        }
        sql.append(", exact FROM (\n  SELECT ").append(layout.idType().asText(names.id())).append(" AS id, ")
                .append(names.metadata()).append(" AS metadata, ")
                .append(TableNames.column(TableNames.EMBEDDING)).append(" AS embedding, ");
        appendExactScore(sql, query, parameters);
        sql.append(" AS exact\n  FROM ").append(names.qualified()).append("\n  WHERE ")
                .append(TableNames.column(TableNames.NAMESPACE)).append(" = ? AND ").append(names.id())
                .append(" IN (SELECT id FROM candidates)\n) AS hybrid ORDER BY exact, id COLLATE \"C\" LIMIT ?");
        parameters.add(namespace);
        parameters.add(query.topK());
        return sql.toString();
    }

    // The sparse values' columns, and the exact distance: the metric's operator, minus the sparse dot product in
    // double precision for a hybrid query. The dot product is written out term by term in ascending index order, each
    // query term's stored value found with array_position (0 where the row lacks it): the products of the stored floats
    // summed in the memory backend's order, so scores agree to the last bit, where a join of the unnested arrays sums
    // in whatever order the join produces (ARCHITECTURE.md, "Sparse values").
    private void appendExactScore(StringBuilder sql, Query query, List<Object> parameters) {
        VectorColumn vector = layout.vector();
        sql.append(Rows.sparseColumns(layout)).append(", (").append(TableNames.column(TableNames.EMBEDDING)).append(' ')
                .append(VectorColumn.operator(settings.metric())).append(' ').append(vector.columnParameter()).append(')');
        parameters.add(new PGvector(query.vector()));
        if (query.hasSparseVector()) {
            SparseValues sparse = query.sparseVector();
            String term = " + coalesce(" + TableNames.column(TableNames.SPARSE_VALUES) + "[array_position("
                    + TableNames.column(TableNames.SPARSE_INDICES) + ", ?::int8)]::float8 * ?::float8, 0)";
            sql.append(" - (0::float8");
            for (int i = 0; i < sparse.size(); i++) {
                sql.append(term);
                parameters.add(sparse.indices()[i]);
                parameters.add((double) sparse.values()[i]);
            }
            sql.append(')');
        }
    }

    private void appendWhere(StringBuilder sql, String namespace, Query query, List<Object> parameters) {
        sql.append("\n  WHERE ").append(TableNames.column(TableNames.NAMESPACE)).append(" = ? AND ")
                .append(TableNames.column(TableNames.EMBEDDING)).append(" IS NOT NULL");
        parameters.add(namespace);
        if (query.filter() != null) {
            SqlFragment condition = filters.compile(query.filter());
            sql.append(" AND (").append(condition.sql()).append(')');
            parameters.addAll(condition.parameters());
        }
    }

    // Runs a query that may start with a settings prologue, in one round trip, and reads the query's rows.
    private List<Match> run(Connection connection, SqlFragment statement, Query query) throws SQLException {
        Jdbc.Statement sql = new Jdbc.Statement(statement.sql(), statement.parameters());
        try (PreparedStatement prepared = Jdbc.prepare(connection, sql)) {
            if (query.filter() != null) {
                // One-shot (unnamed) statements are planned with their parameters' values every time (see search).
                prepared.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            prepared.execute();
            if (statement.sql().startsWith("SELECT set_config") && !prepared.getMoreResults()) {
                throw new SQLException("the query returned no result set");
            }
            try (ResultSet rows = prepared.getResultSet()) {
                return read(rows, query);
            }
        }
    }

    /**
     * The true top-k by a full scan of the namespace, never the vector index: the ground truth recall is measured
     * against. Bounded by the statement timeout, sent in the same round trip.
     */
    List<Match> exactSearch(Connection connection, String namespace, Query query) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String prologue = prologue(Map.of(), parameters);
        SqlFragment exact = exactSql(namespace, query);
        parameters.addAll(exact.parameters());
        return run(connection, new SqlFragment(prologue.isEmpty() ? exact.sql() : prologue + ";\n" + exact.sql(),
                parameters), query);
    }

    // The rows as matches, best first: by distance, then by id in code point order (the byte order of COLLATE "C" in
    // UTF-8), as the memory backend orders ties.
    private List<Match> read(ResultSet rows, Query query) throws SQLException {
        DistanceMetric metric = settings.metric();
        List<Ranked> ranked = new ArrayList<>(query.topK());
        while (rows.next()) {
            int column = 1;
            String id = rows.getString(column++);
            // Parsed when the caller first reads it (Match.withMetadataReadLater): ids and scores alone cost no JSON work.
            String metadata = query.includeMetadata() ? rows.getString(column++) : null;
            float[] values = query.includeValues() ? ((PGvector) rows.getObject(column++)).toArray() : null;
            SparseValues sparse = null;
            if (query.includeValues()) {
                sparse = Rows.sparseValues(rows, column);
                column += 2;
            }
            double distance = rows.getDouble(column);
            double score = VectorColumn.score(metric, distance);
            ranked.add(new Ranked(distance, metadata == null ? Match.of(id, score, values, sparse, null)
                    : Match.withMetadataReadLater(id, score, values, sparse, () -> StoredMetadata.read(id, metadata))));
        }
        ranked.sort(BEST_FIRST);
        List<Match> matches = new ArrayList<>(ranked.size());
        ranked.forEach(row -> matches.add(row.match()));
        return matches;
    }

    private record Ranked(double distance, Match match) {
    }

    private static final Comparator<Ranked> BEST_FIRST = Comparator.comparingDouble((Ranked row) -> row.distance() + 0.0)
            .thenComparing((a, b) -> CodePointOrder.compare(a.match().id(), b.match().id()));


    private void logShortScan(int approximate, int exact, int topK) {
        String message = "An HNSW scan of {} returned {} of the {} rows asked for although {} match; answered by exact"
                + " search instead. Frequent fallbacks slow queries: raise PGVECTOR_MAX_SCAN_TUPLES or PGVECTOR_EF_SEARCH.";
        if (warnedShort.compareAndSet(false, true)) {
            LOG.warn(message, layout.names().display(), approximate, topK, exact);
        } else {
            LOG.debug(message, layout.names().display(), approximate, topK, exact);
        }
    }
}
