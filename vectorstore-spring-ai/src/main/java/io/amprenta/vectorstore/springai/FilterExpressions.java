package io.amprenta.vectorstore.springai;

import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.filter.Filter;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.ai.vectorstore.filter.Filter.Expression;
import org.springframework.ai.vectorstore.filter.Filter.ExpressionType;
import org.springframework.ai.vectorstore.filter.Filter.Group;
import org.springframework.ai.vectorstore.filter.Filter.Key;
import org.springframework.ai.vectorstore.filter.Filter.Operand;
import org.springframework.ai.vectorstore.filter.Filter.Value;

/**
 * Translates Spring AI's portable filter expressions (built with {@code FilterExpressionBuilder} or parsed from the
 * text DSL, e.g. {@code country == 'BG' && year >= 2020}) into the store's filter language, Pinecone's, which every
 * backend evaluates. {@code NOT} is pushed down to the comparisons the way Spring AI's own {@code FilterHelper}
 * negates them ({@code NOT(a > b)} is {@code a <= b}); {@code IS NULL} is "the key is absent".
 */
final class FilterExpressions {

    private FilterExpressions() {
    }

    static Filter translate(Expression expression) {
        return translate(expression, false);
    }

    private static Filter translate(Operand operand, boolean negate) {
        if (operand instanceof Group group) {
            return translate(group.content(), negate);
        }
        if (!(operand instanceof Expression expression)) {
            throw new InvalidFilterException("A Spring AI filter operand " + operand + " stands where an expression is expected.");
        }
        ExpressionType type = expression.type();
        switch (type) {
            case NOT:
                return translate(expression.left(), !negate);
            case AND:
            case OR: {
                Filter left = translate(expression.left(), negate);
                Filter right = translate(expression.right(), negate);
                // De Morgan: NOT(a AND b) = NOT a OR NOT b.
                return (type == ExpressionType.AND) != negate ? Filter.and(left, right) : Filter.or(left, right);
            }
            case ISNULL:
                return negate ? Filter.exists(key(expression)) : Filter.notExists(key(expression));
            case ISNOTNULL:
                return negate ? Filter.notExists(key(expression)) : Filter.exists(key(expression));
            default:
                return comparison(expression, negate);
        }
    }

    private static Filter comparison(Expression expression, boolean negate) {
        String key = key(expression);
        if (!(expression.right() instanceof Value value)) {
            throw new InvalidFilterException("The Spring AI filter on '" + key + "' (" + expression.type()
                    + ") has no value to compare with.");
        }
        ExpressionType type = negate ? negated(expression.type()) : expression.type();
        Object operand = value.value();
        return switch (type) {
            case EQ -> Filter.eq(key, scalar(key, operand));
            case NE -> Filter.ne(key, scalar(key, operand));
            case GT -> Filter.gt(key, number(key, type, operand));
            case GTE -> Filter.gte(key, number(key, type, operand));
            case LT -> Filter.lt(key, number(key, type, operand));
            case LTE -> Filter.lte(key, number(key, type, operand));
            case IN -> Filter.in(key, list(key, operand));
            case NIN -> Filter.nin(key, list(key, operand));
            default -> throw new InvalidFilterException("The Spring AI filter operator " + type + " is not supported.");
        };
    }

    private static ExpressionType negated(ExpressionType type) {
        return switch (type) {
            case EQ -> ExpressionType.NE;
            case NE -> ExpressionType.EQ;
            case GT -> ExpressionType.LTE;
            case GTE -> ExpressionType.LT;
            case LT -> ExpressionType.GTE;
            case LTE -> ExpressionType.GT;
            case IN -> ExpressionType.NIN;
            case NIN -> ExpressionType.IN;
            default -> throw new InvalidFilterException("The Spring AI filter operator " + type + " cannot be negated.");
        };
    }

    // The text DSL keeps the quotes of a quoted identifier ("my key" or 'my key'); the stored key has none.
    private static String key(Expression expression) {
        if (!(expression.left() instanceof Key key)) {
            throw new InvalidFilterException("The Spring AI filter " + expression.type() + " needs a metadata key on its left, not "
                    + expression.left() + ".");
        }
        String name = key.key();
        if (name.length() >= 2 && (name.startsWith("\"") && name.endsWith("\"") || name.startsWith("'") && name.endsWith("'"))) {
            return name.substring(1, name.length() - 1);
        }
        return name;
    }

    private static Object scalar(String key, Object operand) {
        if (operand instanceof String || operand instanceof Number || operand instanceof Boolean) {
            return operand;
        }
        if (operand instanceof UUID || operand instanceof Enum<?>) {
            return operand.toString();
        }
        throw new InvalidFilterException("The Spring AI filter on '" + key + "' compares with " + describe(operand)
                + "; filters take strings, numbers and booleans.");
    }

    private static double number(String key, ExpressionType type, Object operand) {
        if (operand instanceof Number number) {
            return number.doubleValue();
        }
        throw new InvalidFilterException("The Spring AI filter on '" + key + "' uses " + type + " with " + describe(operand)
                + "; range comparisons take numbers only (metadata is stored in Pinecone's types).");
    }

    private static List<Object> list(String key, Object operand) {
        if (!(operand instanceof Collection<?> values)) {
            throw new InvalidFilterException("The Spring AI filter IN/NIN on '" + key + "' needs a list, not " + describe(operand) + ".");
        }
        return values.stream().map(value -> scalar(key, value)).toList();
    }

    private static String describe(Object operand) {
        return operand == null ? "null" : "'" + operand + "' (" + operand.getClass().getSimpleName() + ")";
    }
}
