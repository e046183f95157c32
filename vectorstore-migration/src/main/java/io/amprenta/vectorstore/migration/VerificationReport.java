package io.amprenta.vectorstore.migration;

import io.amprenta.vectorstore.spi.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

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
     * @param compared records compared value by value (the sample, or every record in full mode)
     * @param mismatchedCount compared records that differ, all of them
     * @param mismatches the first of those, with how they differ
     * @param extrasSearched whether the target's ids were looked up in the source (full mode, or when the counts
     *     showed the target holds records the source does not)
     * @param extraCount target ids the source does not have (0 unless searched)
     * @param extraExamples the first of those
     */
    public record NamespaceResult(String namespace, Verification.IdsFrom idsFrom, long sourceCount, long targetCount,
                                  long checkedIds, long missingCount, List<String> missingExamples, long compared,
                                  long mismatchedCount, List<Mismatch> mismatches, boolean extrasSearched, long extraCount,
                                  List<String> extraExamples) {

        /** Copies the lists. */
        public NamespaceResult {
            missingExamples = List.copyOf(missingExamples);
            mismatches = List.copyOf(mismatches);
            extraExamples = List.copyOf(extraExamples);
        }

        /** Whether this namespace agrees. */
        public boolean passed() {
            return sourceCount == targetCount && missingCount == 0 && mismatchedCount == 0 && extraCount == 0;
        }

        /** One line per problem, with what to do. */
        public List<String> problems() {
            String where = "namespace '" + namespace + "'";
            List<String> problems = new ArrayList<>();
            if (missingCount > 0 && idsFrom == Verification.IdsFrom.SOURCE) {
                problems.add(where + ": " + missingCount + " of " + checkedIds + " source ids are missing from the target (e.g. "
                        + quoted(missingExamples) + "). Run `vectorstore migrate --resume`, or copy exactly these"
                        + " with --id-file after writing them out with `vectorstore verify --missing-ids-out FILE`.");
            }
            if (missingCount > 0 && idsFrom == Verification.IdsFrom.TARGET) {
                problems.add(where + ": " + missingCount + " of " + checkedIds + " target ids are not in the source (e.g. "
                        + quoted(missingExamples) + "): deleted in the source after they were copied, or written"
                        + " to the target only. `vectorstore verify --ids-from target --missing-ids-out FILE` lists them.");
            }
            if (extraCount > 0) {
                problems.add(where + ": " + extraCount + " target records are not in the source (e.g. " + quoted(extraExamples)
                        + "): deleted in the source after they were copied, or written to the target only."
                        + " `vectorstore verify --extra-ids-out FILE` lists them.");
            }
            if (sourceCount != targetCount && missingCount == 0 && extraCount == 0) {
                problems.add(where + ": the source has " + sourceCount + " records and the target " + targetCount + "."
                        + (targetCount > sourceCount ? " The target holds records the source does not have (deleted in the"
                        + " source after they were copied?)." : " Records were added to the source since the copy; run"
                        + " `vectorstore migrate --resume` with a new --run-id to pick them up."));
            }
            if (mismatchedCount > 0) {
                problems.add(where + ": " + mismatchedCount + " of " + compared + " compared records differ. Re-copy them"
                        + " (`vectorstore verify --mismatched-ids-out FILE`, then `vectorstore migrate --id-file FILE`), and"
                        + " check that nothing else writes to the target.");
            }
            for (Mismatch mismatch : mismatches) {
                problems.add(where + ": record " + Limits.quoteId(mismatch.id()) + " differs: " + mismatch.difference() + ".");
            }
            return problems;
        }

        private static String quoted(List<String> ids) {
            return ids.stream().map(Limits::quoteId).collect(Collectors.joining(", "));
        }
    }

    /**
     * A compared record whose copy differs.
     *
     * @param id the record
     * @param difference what differs, e.g. "value 17: 0.25 in the source, 0.2501 in the target"
     */
    public record Mismatch(String id, String difference) {
    }
}
