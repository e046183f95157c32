package io.amprenta.vectorstore.cutover;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.filter.Filter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** How benchmark answers are asked for and compared; shared by the benchmark and the calibration. */
final class Answers {

    private Answers() {
    }

    /**
     * The exact answer to one query.
     *
     * @param topK the exact top-k ids, best first
     * @param acceptable those ids and every further id at the same distance as the k-th: with duplicate vectors (common
     *     in real corpora: boilerplate chunks) any of the tied records is a right answer, and which of them an index
     *     returns says nothing about its recall
     */
    record Expected(List<String> topK, Set<String> acceptable) {
    }

    /**
     * The query to send for {@code query}: one more than top-k when the vector is a stored record's, whose own match
     * {@link #ids} then removes.
     */
    static Query request(BenchmarkQuery query, QuerySet set) {
        return query(query, query.source().isPresent() ? set.topK() + 1 : set.topK(), set.filter());
    }

    /** The exact answer, from twice top-k exact matches so that ties at the k-th distance are seen. */
    static Expected expected(GroundTruth truth, BenchmarkQuery query, QuerySet set) {
        int topK = set.topK();
        List<Match> exact = truth.exactTopK(query(query, 2 * topK + (query.source().isPresent() ? 1 : 0), set.filter())).stream()
                .filter(match -> !match.id().equals(query.sourceId())).toList();
        List<String> best = exact.stream().limit(topK).map(Match::id).toList();
        Set<String> acceptable = new HashSet<>(best);
        if (best.size() == topK) {
            double kth = exact.get(topK - 1).score();
            exact.stream().skip(topK).filter(match -> match.score() == kth).forEach(match -> acceptable.add(match.id()));
        }
        return new Expected(best, acceptable);
    }

    private static Query query(BenchmarkQuery query, int topK, Filter filter) {
        return Query.builder(query.vector()).topK(topK).filter(filter).includeMetadata(false).build();
    }

    /** The ids of {@code matches} without the query's own record, at most {@code topK}. */
    static List<String> ids(List<Match> matches, BenchmarkQuery query, int topK) {
        return matches.stream().map(Match::id).filter(id -> !id.equals(query.sourceId())).limit(topK).toList();
    }

    /** The share of the exact top-k that {@code found} matches (ties count); 1 when nothing matches exactly. */
    static double recall(List<String> found, Expected expected) {
        if (expected.topK().isEmpty()) {
            return 1.0;
        }
        long right = found.stream().filter(expected.acceptable()::contains).count();
        return Math.min(1.0, (double) right / expected.topK().size());
    }

    /** The share of ids two answers have in common, over the longer one; 1 when both are empty. */
    static double overlap(List<String> first, List<String> second) {
        int longer = Math.max(first.size(), second.size());
        if (longer == 0) {
            return 1.0;
        }
        Set<String> in = new HashSet<>(second);
        return (double) first.stream().filter(in::contains).count() / longer;
    }
}
