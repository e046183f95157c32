package io.amprenta.vectorstore.filter;

import java.util.List;
import java.util.Map;

/**
 * Matches when every operand matches ({@code $and}, and the implicit "and" of several fields in one
 * filter object). With no operands it matches everything: that is {@link Filter#all()}, JSON {@code {}}.
 *
 * @param operands the filters that must all match
 */
public record And(List<Filter> operands) implements Filter {

    /** Copies the operands. */
    public And {
        operands = List.copyOf(operands);
    }

    @Override
    public boolean test(Map<String, ?> metadata) {
        return operands.stream().allMatch(operand -> operand.test(metadata));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitAnd(this);
    }

    /** Whether this is {@link Filter#all()}, the filter that matches everything. */
    public boolean matchesEverything() {
        return operands.isEmpty();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
