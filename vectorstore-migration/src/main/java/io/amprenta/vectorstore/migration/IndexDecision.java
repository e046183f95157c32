package io.amprenta.vectorstore.migration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a run does with the target's vector index, and why: the strategy asked for, whether the index is dropped for
 * the copy and built at the end, and the estimated cost of each path. A dry run prints it; a run acts on it.
 *
 * @param requested the strategy asked for ({@link IndexStrategy#AUTO} unless {@code --keep-index} or
 *     {@code --defer-index})
 * @param defer whether the index is (or, after an earlier run's drop, stays) dropped during the copy and built at the end
 * @param index the index concerned: the one serving queries now, or the ones an earlier run dropped; empty when none
 * @param reason one sentence for people: why this was chosen, naming the signals
 * @param estimates the cost of keeping and of deferring the index, each with its model; empty without an index
 * @param estimatedTime the copy's estimated time on the chosen path, index work included; empty without an index
 */
public record IndexDecision(IndexStrategy requested, boolean defer, Optional<String> index, String reason,
                            List<String> estimates, Optional<Duration> estimatedTime) {

    /** Copies the estimates. */
    public IndexDecision {
        estimates = List.copyOf(estimates);
    }

    /** One line for people: what is done with the index, and why. */
    public String describe() {
        String what = index.isEmpty() ? (defer ? "the vector index is built at the end" : "no vector index to maintain")
                : defer ? "the vector index " + index.get() + " is dropped during the copy and rebuilt at the end"
                : "the vector index " + index.get() + " is kept and maintained row by row";
        return what + ": " + reason;
    }
}
