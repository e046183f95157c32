package io.amprenta.vectorstore.dualwrite;

import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.observe.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A write that succeeded on the primary and failed on the secondary, so the two stores differ until it
 * is {@linkplain DualWriteVectorStore#repair() repaired}.
 *
 * @param at when the secondary write failed
 * @param operation the write: {@code UPSERT}, {@code DELETE}, {@code DELETE_BY_FILTER} or {@code DELETE_ALL}
 * @param namespace the namespace written
 * @param ids the ids affected (upsert, delete); empty otherwise
 * @param filter the filter of a {@code DELETE_BY_FILTER}; null otherwise
 * @param reason the secondary's error message
 */
public record Divergence(Instant at, Operation operation, String namespace, List<String> ids, Filter filter, String reason) {

    /** Copies the ids. */
    public Divergence {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(namespace, "namespace");
        ids = List.copyOf(ids);
        Objects.requireNonNull(reason, "reason");
    }
}
