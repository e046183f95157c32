package io.amprenta.vectorstore.filter;

import io.amprenta.vectorstore.InvalidFilterException;
import java.util.List;
import java.util.Map;

/**
 * Matches when at least one operand matches ({@code $or}).
 *
 * @param operands the alternatives; at least one
 */
public record Or(List<Filter> operands) implements Filter {

    /** Copies the operands and rejects an empty list, which has no meaning in Pinecone's language. */
    public Or {
        operands = List.copyOf(operands);
        if (operands.isEmpty()) {
            throw new InvalidFilterException("$or needs at least one filter.");
        }
    }

    @Override
    public boolean test(Map<String, ?> metadata) {
        return operands.stream().anyMatch(operand -> operand.test(metadata));
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitOr(this);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
