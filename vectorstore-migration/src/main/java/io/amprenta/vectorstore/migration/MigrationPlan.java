package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a migration is about to do, as a dry run prints it.
 *
 * @param runId the run
 * @param source the source's description
 * @param target the target's description
 * @param namespaces the namespaces copied
 * @param sourceCounts records per namespace in the source (from its stats)
 * @param alreadyDone records already done in this run (resume)
 * @param pending records still to copy (estimate: source count minus done)
 * @param batchSize ids per batch
 * @param workers parallel workers in this process
 * @param batches batches still to run
 * @param estimatedReadUnits Pinecone read units the copy will cost (fetch: 1 per 10 records; list: 1 per call)
 * @param estimatedTime time at the assumed rate, stated in {@code assumptions}
 * @param checks what the preflight verified in the target database
 * @param assumptions how the estimates were made
 * @param index what the run does with the target's vector index, why, and what each path costs
 */
public record MigrationPlan(String runId, String source, String target, List<String> namespaces, Map<String, Long> sourceCounts,
                            long alreadyDone, long pending, int batchSize, int workers, long batches, long estimatedReadUnits,
                            Duration estimatedTime, List<String> checks, List<String> assumptions,
                            IndexDecision index) {

    /** Copies the collections. */
    public MigrationPlan {
        namespaces = List.copyOf(namespaces);
        sourceCounts = Map.copyOf(sourceCounts);
        checks = List.copyOf(checks);
        assumptions = List.copyOf(assumptions);
    }
}
