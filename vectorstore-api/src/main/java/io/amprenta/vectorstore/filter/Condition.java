package io.amprenta.vectorstore.filter;

import io.amprenta.vectorstore.InvalidFilterException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One comparison of a metadata field with an operand, e.g. {@code {"year": {"$gte": 2020}}}.
 *
 * <p>The operand is normalized when the condition is built: numbers become {@link Double} (numbers
 * compare as doubles, so {@code 1} equals {@code 1.0}), lists become unmodifiable. Per operator it is a
 * string, number or boolean ({@code $eq}, {@code $ne}); a finite number (range operators); a non-empty
 * list of strings and numbers ({@code $in}, {@code $nin}); a boolean ({@code $exists}).
 *
 * @param field the metadata field, non-empty and not starting with {@code $}
 * @param operator the comparison
 * @param operand what the field is compared with
 */
public record Condition(String field, Operator operator, Object operand) implements Filter {

    /** Validates the field and the operand's type for the operator. */
    public Condition {
        Objects.requireNonNull(operator, "operator");
        if (field == null || field.isEmpty() || field.startsWith("$")) {
            throw new InvalidFilterException("A filter field name must be non-empty and must not start with '$', but is "
                    + (field == null ? "null" : "\"" + field + "\"") + ".");
        }
        operand = normalizeOperand(field, operator, operand);
    }

    @Override
    public boolean test(Map<String, ?> metadata) {
        Object value = metadata.get(field);
        return switch (operator) {
            case EQ -> value != null && anyElement(value, element -> sameValue(element, operand));
            case NE -> value == null || !anyElement(value, element -> sameValue(element, operand));
            case IN -> value != null && anyElement(value, this::inOperandList);
            case NIN -> value == null || !anyElement(value, this::inOperandList);
            case GT, GTE, LT, LTE -> value instanceof Number number && compareRange(number.doubleValue());
            case EXISTS -> (value != null) == (Boolean) operand;
        };
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitCondition(this);
    }

    /** The operand of {@code $in}/{@code $nin} as a list of strings and doubles. */
    @SuppressWarnings("unchecked")
    public List<Object> operandList() {
        if (!(operand instanceof List<?>)) {
            throw new IllegalStateException(operator.json() + " has no list operand");
        }
        return (List<Object>) operand;
    }

    @Override
    public String toString() {
        return toJson();
    }

    // A list field (Pinecone allows lists of strings) matches when any element does.
    private static boolean anyElement(Object value, Predicate<Object> predicate) {
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(predicate);
        }
        return predicate.test(value);
    }

    // Strict typing: a string never equals a number, and numbers compare as doubles.
    static boolean sameValue(Object stored, Object wanted) {
        if (stored instanceof Number a && wanted instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        return stored.equals(wanted);
    }

    private boolean inOperandList(Object element) {
        return operandList().stream().anyMatch(candidate -> sameValue(element, candidate));
    }

    private boolean compareRange(double value) {
        double bound = (Double) operand;
        return switch (operator) {
            case GT -> value > bound;
            case GTE -> value >= bound;
            case LT -> value < bound;
            case LTE -> value <= bound;
            default -> throw new IllegalStateException(operator.json());
        };
    }

    private static Object normalizeOperand(String field, Operator operator, Object operand) {
        return switch (operator) {
            case EQ, NE -> {
                if (operand instanceof String || operand instanceof Boolean) {
                    yield operand;
                }
                if (operand instanceof Number number) {
                    yield finite(field, operator, number);
                }
                throw wrongOperand(field, operator, operand, "a string, a number or a boolean");
            }
            case GT, GTE, LT, LTE -> {
                if (operand instanceof Number number) {
                    yield finite(field, operator, number);
                }
                throw wrongOperand(field, operator, operand, "a number (range operators compare numbers only)");
            }
            case IN, NIN -> normalizeList(field, operator, operand);
            case EXISTS -> {
                if (operand instanceof Boolean) {
                    yield operand;
                }
                throw wrongOperand(field, operator, operand, "true or false");
            }
        };
    }

    private static List<Object> normalizeList(String field, Operator operator, Object operand) {
        if (!(operand instanceof Collection<?> values) || values.isEmpty()) {
            throw wrongOperand(field, operator, operand, "a non-empty list of strings and numbers");
        }
        List<Object> normalized = new ArrayList<>(values.size());
        for (Object value : values) {
            if (value instanceof String) {
                normalized.add(value);
            } else if (value instanceof Number number) {
                normalized.add(finite(field, operator, number));
            } else {
                throw wrongOperand(field, operator, operand, "a non-empty list of strings and numbers");
            }
        }
        return List.copyOf(normalized);
    }

    private static Double finite(String field, Operator operator, Number number) {
        double value = number.doubleValue();
        if (!Double.isFinite(value)) {
            throw wrongOperand(field, operator, number, "a finite number");
        }
        return value;
    }

    private static InvalidFilterException wrongOperand(String field, Operator operator, Object operand, String expected) {
        return new InvalidFilterException("In the filter on \"" + field + "\", " + operator.json() + " needs " + expected
                + " but got " + FilterJson.describe(operand) + ".");
    }
}
