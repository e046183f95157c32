package io.amprenta.vectorstore.dualwrite;

/**
 * How the secondary's answers compare with the primary's on the sampled queries.
 *
 * @param compared queries answered by both
 * @param meanOverlap mean of |primary ∩ secondary| / max(|primary|, |secondary|) over those queries (1 when none)
 * @param minOverlap the lowest overlap seen (1 when none)
 * @param secondaryFailures sampled queries the secondary failed
 * @param skipped sampled queries dropped because shadow reads were falling behind
 */
public record ShadowReadStats(long compared, double meanOverlap, double minOverlap, long secondaryFailures, long skipped) {
}
