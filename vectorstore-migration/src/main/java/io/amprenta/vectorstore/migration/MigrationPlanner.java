package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.StoreStats;
import io.amprenta.vectorstore.VectorStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a run's {@link MigrationPlan} before anything is written: how many records, batches and Pinecone read units,
 * and how long, each estimate stated with the assumption it rests on. Reads only counts, never records.
 */
final class MigrationPlanner {

    // What the plan assumes one worker copies per second; stated in the plan, replaced by measurement when running.
    private static final double ASSUMED_RECORDS_PER_WORKER_SECOND = 1_500;

    private MigrationPlanner() {
    }

    /** The plan; {@code sourceStats} are the source's statistics the run read (with retries) at its start. */
    static MigrationPlan plan(Migration.Settings settings, VectorStore source, StoreStats sourceStats, List<String> namespaces,
                              List<String> checks, long alreadyDone) {
        Map<String, Long> counts = new LinkedHashMap<>();
        String counted;
        if (settings.idSource() instanceof IdSource.TargetRows) {
            namespaces.forEach(namespace -> counts.put(namespace, settings.target().rowsWithoutEmbedding().orElseThrow().countWithoutEmbedding(namespace)));
            counted = "record counts are the target's rows without an embedding";
        } else if (settings.idSource() instanceof IdSource.IdFile file) {
            counts.put(namespaces.get(0), IdLister.countIds(file.file()));
            counted = "record counts are the id file's ids";
        } else {
            namespaces.forEach(namespace -> counts.put(namespace, sourceStats.count(namespace)));
            counted = "record counts come from the source's index statistics, which read no records"
                    + (((IdSource.SourceListing) settings.idSource()).prefix().isEmpty() ? "" : " (all ids, not only the prefix's)");
        }
        long listed = counts.values().stream().mapToLong(Long::longValue).sum();
        // Done rows have their embedding, so rows without one are exactly what is left; other counts include done ids.
        long pending = settings.idSource() instanceof IdSource.TargetRows ? listed : Math.max(0, listed - alreadyDone);
        long batches = (pending + settings.batchSize() - 1) / settings.batchSize();
        boolean listing = settings.idSource() instanceof IdSource.SourceListing;
        long readUnits = readUnits(pending, listing);
        double rate = Math.min(settings.workers() * ASSUMED_RECORDS_PER_WORKER_SECOND,
                settings.maxRequestsPerSecond() * settings.batchSize());
        List<String> assumptions = List.of(
                counted,
                "Pinecone serverless read units: fetch costs 1 per 10 records" + (listing ? ", list 1 per call of 100 ids" : ""),
                String.format("time assumes %,.0f records/s (%d workers x %,.0f, capped by %s requests/s x %d ids), plus the"
                        + " vector index's work as estimated below", rate,
                        settings.workers(), ASSUMED_RECORDS_PER_WORKER_SECOND, settings.maxRequestsPerSecond(), settings.batchSize()));
        // Read-only, like the rest of the plan; may watch the index's scan counter for a few seconds.
        IndexDecision index = IndexChoice.decide(settings.indexStrategy(), settings.target().indexed(), pending, rate);
        return new MigrationPlan(settings.runId(), source.backend() + " (namespace views of " + source + ")",
                settings.target().describe(), namespaces, counts, alreadyDone, pending, settings.batchSize(), settings.workers(),
                batches, readUnits, index.estimatedTime().orElse(Duration.ofSeconds((long) Math.ceil(pending / rate))), checks,
                assumptions, index);
    }


    /**
     * Pinecone serverless read units for copying {@code records}: a fetch costs 1 per 10 records, and listing their ids
     * 1 per call of 100.
     */
    static long readUnits(long records, boolean listing) {
        return (records + 9) / 10 + (listing ? (records + 99) / 100 : 0);
    }
}
