package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Verification} found, per namespace and in total.
 *
 * @param namespaces one entry per namespace compared
 * @param elapsed how long it took
 */
public record VerificationReport(List<NamespaceResult> namespaces, Duration elapsed) {

    /** Copies the results. */
    public VerificationReport {
        namespaces = List.copyOf(namespaces);
    }

    /** Whether source and target agree everywhere. */
    public boolean passed() {
        return namespaces.stream().allMatch(NamespaceResult::passed);
    }

    /** One line per problem, with what to do; empty when passed. */
    public List<String> problems() {
        return namespaces.stream().flatMap(result -> result.problems().stream()).toList();
    }

    /**
     * The comparison of one namespace.
     *
     * @param namespace the namespace
     * @param idsFrom which side's ids were listed and looked up on the other
     * @param sourceCount records in the source
     * @param targetCount records with an embedding in the target
     * @param checkedIds ids listed and looked up on the other side
     * @param missingCount listed ids absent from the other side
     * @param missingExamples the first missing ids
     * @param sampled records compared value by value
     * @param mismatches sampled records that differ, with how
     */
    public record NamespaceResult(String namespace, Verification.IdsFrom idsFrom, long sourceCount, long targetCount,
                                  long checkedIds, long missingCount,
                                  List<String> missingExamples, int sampled, List<Mismatch> mismatches) {

        /** Copies the lists. */
        public NamespaceResult {
            missingExamples = List.copyOf(missingExamples);
            mismatches = List.copyOf(mismatches);
        }

        /** Whether this namespace agrees. */
        public boolean passed() {
            return sourceCount == targetCount && missingCount == 0 && mismatches.isEmpty();
        }

        /** One line per problem, with what to do. */
        public List<String> problems() {
            String where = "namespace '" + namespace + "'";
            List<String> problems = new ArrayList<>();
            if (missingCount > 0 && idsFrom == Verification.IdsFrom.SOURCE) {
                problems.add(where + ": " + missingCount + " of " + checkedIds + " source ids are missing from the target (e.g. "
                        + String.join(", ", missingExamples) + "). Run `vectorstore migrate --resume`, or copy exactly these"
                        + " with --id-file after writing them out with `vectorstore verify --missing-ids-out FILE`.");
            }
            if (missingCount > 0 && idsFrom == Verification.IdsFrom.TARGET) {
                problems.add(where + ": " + missingCount + " of " + checkedIds + " target ids are not in the source (e.g. "
                        + String.join(", ", missingExamples) + "): deleted in the source after they were copied, or written"
                        + " to the target only. `vectorstore verify --ids-from target --missing-ids-out FILE` lists them.");
            }
            if (sourceCount != targetCount && missingCount == 0) {
                problems.add(where + ": the source has " + sourceCount + " records and the target " + targetCount + "."
                        + (targetCount > sourceCount ? " The target holds records the source does not have (deleted in the"
                        + " source after they were copied?)." : " Records were added to the source since the copy; run"
                        + " `vectorstore migrate --resume` with a new --run-id to pick them up."));
            }
            for (Mismatch mismatch : mismatches) {
                problems.add(where + ": record '" + mismatch.id() + "' differs: " + mismatch.difference()
                        + ". Re-copy it (`vectorstore migrate --id-file`), and check that nothing else writes to the target.");
            }
            return problems;
        }
    }

    /**
     * A sampled record whose copy differs.
     *
     * @param id the record
     * @param difference what differs, e.g. "value 17: 0.25 in the source, 0.2501 in the target"
     */
    public record Mismatch(String id, String difference) {
    }
}
