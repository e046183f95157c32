package io.amprenta.vectorstore;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What a store holds: its dimension and metric, and how many records each namespace has.
 *
 * @param backend the backend's name, e.g. {@code pgvector}
 * @param dimension the vector dimension, empty while a store that learns it from the first write is empty
 * @param metric the distance metric
 * @param namespaceCounts records per namespace, for namespaces that hold any ({@code ""} is the default)
 */
public record StoreStats(String backend, OptionalInt dimension, DistanceMetric metric,
                         Map<String, Long> namespaceCounts) {

    /** Copies the counts into a sorted, unmodifiable map. */
    public StoreStats {
        namespaceCounts = Collections.unmodifiableMap(new TreeMap<>(namespaceCounts));
    }

    /** The number of records across all namespaces. */
    public long totalCount() {
        return namespaceCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The namespaces that hold records, sorted. */
    public List<String> namespaces() {
        return namespaceCounts.entrySet().stream().filter(entry -> entry.getValue() > 0).map(Map.Entry::getKey).toList();
    }

    /** The number of records in {@code namespace}; 0 when it holds none. */
    public long count(String namespace) {
        return namespaceCounts.getOrDefault(namespace, 0L);
    }
}
