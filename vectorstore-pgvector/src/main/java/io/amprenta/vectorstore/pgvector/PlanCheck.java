package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Asks the planner how it would run a query, with the same per-query settings the store uses: {@code EXPLAIN} of
 * the store's own SQL. Used by the health check ("is the HNSW index used?") and by tests.
 */
final class PlanCheck {

    private PlanCheck() {
    }

    /**
     * The plan of {@code query} as {@code EXPLAIN} text, in the connection's current transaction, which must not be in
     * auto-commit mode (the scan settings are set for the transaction).
     */
    public static String explain(Connection connection, Searcher searcher, String namespace, Query query)
            throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>(searcher.scanSettings(namespace, query));
        if (query.filter() != null) {
            // The store runs filtered queries as one-shot statements, planned with their values every time.
            settings.put("plan_cache_mode", "force_custom_plan");
        }
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            Jdbc.execute(connection, Jdbc.Statement.of("SELECT set_config(?, ?, true)", setting.getKey(), setting.getValue()));
        }
        SqlFragment sql = searcher.indexQuery(namespace, query);
        StringBuilder plan = new StringBuilder();
        Jdbc.list(connection, new Jdbc.Statement("EXPLAIN " + sql.sql(), sql.parameters()),
                row -> plan.append(row.getString(1)).append('\n'));
        return plan.toString();
    }

    /**
     * Whether the plan of {@code query} scans the index {@code indexName} of the table {@code names}, or on a
     * partitioned table, one of the partitions' indexes that make it up (ARCHITECTURE.md, "Namespaces as partitions").
     */
    public static boolean usesIndex(Connection connection, Searcher searcher, TableNames names, String namespace,
                                    Query query, String indexName) throws SQLException {
        String plan = explain(connection, searcher, namespace, query);
        // pg_partition_tree lists nothing for an index outside a partition tree: the index itself is added.
        List<String> indexes = Jdbc.list(connection, Jdbc.Statement.of("SELECT relname FROM pg_class WHERE oid = to_regclass(?)"
                + " OR oid IN (SELECT relid FROM pg_partition_tree(to_regclass(?)))", names.qualify(indexName),
                names.qualify(indexName)), row -> row.getString(1));
        // EXPLAIN quotes a name only when it needs quoting.
        return indexes.stream().anyMatch(index -> plan.contains(" using " + index + " on ")
                || plan.contains(" using " + Identifiers.quote(index) + " on "));
    }
}
