package io.amprenta.vectorstore.pgvector;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs nearest-neighbour queries. The query vector is a bound parameter; the inner query orders by the bare
 * distance operator with a {@code LIMIT}, which is the shape the HNSW index serves, and the namespace and metadata
 * filter are plain {@code WHERE} conditions on it.
 *
 * <p>Per query, in the same transaction and the same round trip: {@code hnsw.ef_search} is raised to top-k when
 * smaller (the scan never yields more rows than ef_search otherwise), and iterative scans are switched on, so a scan
 * whose candidates the filter or the namespace thins out keeps going until it has top-k rows. Relaxed-order scans
 * may return rows slightly out of order; the outer query sorts them again (on the exact distance when the index
 * works in half precision).
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
        this.filters = new FilterCompiler(layout.names().metadata());
    }

    /**
     * What a pool dedicated to the store sets once per connection (as startup options, which {@code RESET} and
     * {@code DISCARD ALL} return to): the scan settings of a query whose top-k does not exceed ef_search, custom plans,
     * and the statement timeout. Queries then need no per-query settings, which costs a second statement in the
     * round trip; PostgreSQL 15 measured here runs the query itself noticeably slower after one.
     */
    public static Map<String, String> sessionDefaults(PgVectorSettings settings) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("hnsw.ef_search", String.valueOf(settings.efSearch()));
        defaults.put("hnsw.iterative_scan", settings.iterativeScan().sqlValue());
        defaults.put("hnsw.max_scan_tuples", String.valueOf(settings.maxScanTuples()));
        defaults.put("plan_cache_mode", "force_custom_plan");
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

    /** The matches for {@code query} in {@code namespace}, best first; ends the transaction it starts. */
    public List<Match> search(Connection connection, String namespace, Query query) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            Calibrations.Tuning tuning = calibrations.tuning(connection, query.filter() != null);
            List<Match> matches = run(connection, approximateSql(namespace, query, tuning), query);
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
            if (!autoCommit) {
                connection.rollback();
            }
            throw e;
        }
    }

    /**
     * The approximate query, preceded by the settings the session does not already have: in auto-commit mode both
     * statements run in one implicit transaction and one round trip ({@code set_config(..., true)} lasts until it
     * ends). {@link SqlFragment#sql()} starts with {@code SELECT set_config} when there is such a prologue.
     */
    public SqlFragment approximateSql(String namespace, Query query) {
        return approximateSql(namespace, query, calibrations.tuning(query.filter() != null));
    }

    private SqlFragment approximateSql(String namespace, Query query, Calibrations.Tuning tuning) {
        List<Object> parameters = new ArrayList<>();
        String prologue = prologue(scanSettings(query.topK(), query.filter() != null, tuning), parameters);
        String sql = indexSql(namespace, query, parameters);
        return new SqlFragment(prologue.isEmpty() ? sql : prologue + ";\n" + sql, parameters);
    }

    /**
     * Only the query of {@link #approximateSql}, without the settings: what a plain JDBC client would run after
     * setting {@code hnsw.ef_search} itself (the benchmark's baseline, and what EXPLAIN is run on).
     */
    public SqlFragment indexQuery(String namespace, Query query) {
        List<Object> parameters = new ArrayList<>();
        String sql = indexSql(namespace, query, parameters);
        return new SqlFragment(sql, parameters);
    }

    /**
     * The settings a query runs with: {@code hnsw.ef_search}, {@code hnsw.iterative_scan} and
     * {@code hnsw.max_scan_tuples} for top-k, and for filtered queries {@code plan_cache_mode = force_custom_plan}.
     * A filtered query must be planned with its filter's values: a generic plan assumes a fixed selectivity for
     * {@code metadata @> $1} and then sorts every row a broad filter matches (exact but several times slower) instead
     * of scanning the HNSW index; with the values, the planner scans the index for broad filters and fetches the few
     * rows of selective ones through the GIN index.
     */
    public Map<String, String> scanSettings(int topK, boolean filtered) {
        return scanSettings(topK, filtered, calibrations.tuning(filtered));
    }

    /** The search settings in force for filtered or unfiltered queries, as last read. */
    Calibrations.Tuning tuning(boolean filtered) {
        return calibrations.tuning(filtered);
    }

    private Map<String, String> scanSettings(int topK, boolean filtered, Calibrations.Tuning tuning) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("hnsw.ef_search", String.valueOf(Math.min(PgVectorSettings.MAX_EF_SEARCH, Math.max(tuning.efSearch(), topK))));
        values.put("hnsw.iterative_scan", tuning.iterativeScan().sqlValue());
        values.put("hnsw.max_scan_tuples", String.valueOf(Math.max(settings.maxScanTuples(),
                (long) topK * 2 > Integer.MAX_VALUE ? Integer.MAX_VALUE : topK * 2)));
        if (filtered) {
            values.put("plan_cache_mode", "force_custom_plan");
        }
        return values;
    }

    // Only what differs from the session's known defaults, with the statement timeout; empty when nothing does.
    private String prologue(Map<String, String> values, List<Object> parameters) {
        Jdbc.Statement prologue = database.prologue(values);
        if (prologue == null) {
            return "";
        }
        parameters.addAll(prologue.parameters());
        return prologue.sql();
    }

    private String indexSql(String namespace, Query query, List<Object> parameters) {
        if (query.hasSparseVector()) {
            return hybridSql(namespace, query, parameters);
        }
        VectorColumn vector = layout.vector();
        String embedding = TableNames.column(TableNames.EMBEDDING);
        String operator = VectorColumn.operator(settings.metric());
        boolean rescore = vector.indexesHalfvecExpression();
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
            // One branch per shard, each with its own top-k (ARCHITECTURE.md, "Shards").
            ShardedSearch.candidates(sql, layout.shards().get(), select.toString(), query.topK(), (branch, partition) -> {
                parameters.add(bound);
                appendWhere(branch, namespace, query, parameters);
            });
            sql.append("\n)\nSELECT id");
        } else {
            sql.append(select).append(layout.names().qualified());
            parameters.add(bound);
            appendWhere(sql, namespace, query, parameters);
            sql.append("\n  ORDER BY distance LIMIT ?\n)\nSELECT id");
            parameters.add(query.topK());
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
        if (layout.shards().isPresent()) {
            sql.append(" LIMIT ").append(query.topK());
        }
        return sql.toString();
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
    // double precision (products of the stored floats, as the memory backend computes them) for a hybrid query.
    private void appendExactScore(StringBuilder sql, Query query, List<Object> parameters) {
        VectorColumn vector = layout.vector();
        sql.append(Rows.sparseColumns(layout)).append(", (").append(TableNames.column(TableNames.EMBEDDING)).append(' ')
                .append(VectorColumn.operator(settings.metric())).append(' ').append(vector.columnParameter()).append(')');
        parameters.add(new PGvector(query.vector()));
        if (query.hasSparseVector()) {
            sql.append(" - coalesce((SELECT sum(s.v::float8 * q.v::float8) FROM unnest(")
                    .append(TableNames.column(TableNames.SPARSE_INDICES)).append(", ")
                    .append(TableNames.column(TableNames.SPARSE_VALUES))
                    .append(") AS s(i, v) JOIN unnest(?::int8[], ?::float4[]) AS q(i, v) ON s.i = q.i), 0)");
            parameters.add(query.sparseVector().indices());
            parameters.add(query.sparseVector().values());
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

    private List<Match> read(ResultSet rows, Query query) throws SQLException {
        DistanceMetric metric = settings.metric();
        List<Match> matches = new ArrayList<>(query.topK());
        while (rows.next()) {
            int column = 1;
            String id = rows.getString(column++);
            Map<String, Object> metadata = query.includeMetadata() ? StoredMetadata.read(id, rows.getString(column++)) : null;
            float[] values = query.includeValues() ? ((PGvector) rows.getObject(column++)).toArray() : null;
            SparseValues sparse = null;
            if (query.includeValues()) {
                sparse = Rows.sparseValues(rows, column);
                column += 2;
            }
            double score = VectorColumn.score(metric, rows.getDouble(column));
            matches.add(Match.of(id, score, values, sparse, metadata));
        }
        return matches;
    }

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
