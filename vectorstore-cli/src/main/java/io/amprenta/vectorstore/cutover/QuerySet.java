package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.filter.Filter;
import java.util.List;

/**
 * The queries a benchmark or a calibration runs: the vectors (see {@link QueryVectors}), how many matches each asks
 * for, and the metadata filter each carries.
 *
 * @param queries the query vectors, at least one
 * @param topK the matches per query, the k of recall@k: 1 to {@value #MAX_TOP_K}
 * @param filter the filter every query carries; null for none
 */
public record QuerySet(List<BenchmarkQuery> queries, int topK, Filter filter) {

    /** The largest top-k measured: exact search asks for twice as many, to see ties at the k-th distance. */
    public static final int MAX_TOP_K = 1_000;

    /**
     * Copies and checks the queries.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public QuerySet {
        queries = List.copyOf(queries);
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("queries: give at least one query vector");
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("topK must be between 1 and " + MAX_TOP_K + ", was " + topK);
        }
    }

    /** {@code queries} asking for {@code topK} matches each, without a filter. */
    public static QuerySet of(List<BenchmarkQuery> queries, int topK) {
        return new QuerySet(queries, topK, null);
    }

    /** The same queries, each carrying {@code filter} (null for none). */
    public QuerySet withFilter(Filter filter) {
        return new QuerySet(queries, topK, filter);
    }

    /** The filter as Pinecone filter JSON, for reports; null for none. */
    String filterJson() {
        return filter == null ? null : filter.toJson();
    }

    /** The first {@code count} queries (all when there are fewer), for warming up. */
    List<BenchmarkQuery> first(int count) {
        return queries.subList(0, Math.min(count, queries.size()));
    }

    /** How many queries there are. */
    int size() {
        return queries.size();
    }
}
