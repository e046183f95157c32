package io.amprenta.vectorstore.pgvector;

import java.util.List;
import java.util.Map;

/**
 * The SQL a pgvector store runs for one query, for EXPLAIN, for comparisons with hand-written JDBC and for
 * debugging: the statement, its parameters in order, and the {@code hnsw.*} settings the store sets for the
 * query's transaction first.
 *
 * @param sql the query, with {@code ?} placeholders
 * @param parameters the values of the placeholders: strings, numbers and a {@code com.pgvector.PGvector}
 * @param settings the settings applied with {@code set_config(name, value, true)} before the query
 */
public record SearchStatement(String sql, List<Object> parameters, Map<String, String> settings) {

    /** Copies the collections. */
    public SearchStatement {
        parameters = List.copyOf(parameters);
        settings = Map.copyOf(settings);
    }
}
