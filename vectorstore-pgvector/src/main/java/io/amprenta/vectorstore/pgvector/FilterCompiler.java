package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.filter.And;
import io.amprenta.vectorstore.filter.Condition;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.filter.Or;
import io.amprenta.vectorstore.internal.MetadataJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a metadata {@link Filter} into a parameterized SQL condition over the {@code jsonb} metadata column,
 * with exactly the semantics of {@link Condition#test}. Keys and values are always bound parameters, never SQL
 * text: keys go in as {@code metadata -> ?::text}, values inside JSON documents built here and bound as
 * {@code ?::jsonb}.
 *
 * <p>How each operator keeps the reference semantics:
 * <ul>
 * <li>{@code $eq}: containment, {@code metadata @> {"f": v}}. jsonb compares numbers numerically, so 1 matches
 * 1.0, and never equates a string with a number or a boolean. A list field holds strings only and jsonb does not
 * find a scalar inside a nested array, so a string also tries {@code {"f": [v]}} ("any element"). Both forms use
 * the GIN {@code jsonb_path_ops} index.</li>
 * <li>{@code $in}: the {@code OR} of {@code $eq} per value.</li>
 * <li>{@code $ne}, {@code $nin}: the negation of {@code $eq}/{@code $in}, so a record without the field (or a list
 * with no matching element) matches.</li>
 * <li>Ranges: true only when the field is a JSON number, compared as {@code float8} (a Java double) inside a
 * {@code CASE}, because SQL does not promise to evaluate {@code AND} operands in order and a cast of a string
 * would fail.</li>
 * <li>{@code $exists}: the field is present and not JSON null (null and absent are the same to the reference).</li>
 * </ul>
 * A NULL metadata column behaves as {@code {}}: positive conditions are NULL there, which {@code WHERE} treats
 * as false, and every negation wraps its operand in {@code coalesce(..., false)} first.
 */
final class FilterCompiler {

    private final String metadata;

    /** A compiler for conditions over the metadata column expression {@code metadataColumn} (already quoted). */
    public FilterCompiler(String metadataColumn) {
        this.metadata = metadataColumn;
    }

    /** The SQL condition equivalent to {@code filter}. */
    public SqlFragment compile(Filter filter) {
        return filter.accept(new Filter.Visitor<>() {
            @Override
            public SqlFragment visitCondition(Condition condition) {
                return condition(condition);
            }

            @Override
            public SqlFragment visitAnd(And and) {
                return combine(and.operands(), " AND ", "TRUE");
            }

            @Override
            public SqlFragment visitOr(Or or) {
                return combine(or.operands(), " OR ", "FALSE");
            }
        });
    }

    private SqlFragment combine(List<Filter> operands, String separator, String identity) {
        if (operands.isEmpty()) {
            return SqlFragment.of(identity);
        }
        if (operands.size() == 1) {
            return compile(operands.get(0));
        }
        List<SqlFragment> parts = new ArrayList<>(operands.size());
        operands.forEach(operand -> parts.add(compile(operand)));
        return SqlFragment.join(separator, parts);
    }

    private SqlFragment condition(Condition condition) {
        String field = condition.field();
        return switch (condition.operator()) {
            case EQ -> equalTo(field, condition.operand());
            case NE -> not(equalTo(field, condition.operand()));
            case IN -> anyOf(field, condition.operandList());
            case NIN -> not(anyOf(field, condition.operandList()));
            case GT -> range(field, ">", (Double) condition.operand());
            case GTE -> range(field, ">=", (Double) condition.operand());
            case LT -> range(field, "<", (Double) condition.operand());
            case LTE -> range(field, "<=", (Double) condition.operand());
            case EXISTS -> Boolean.TRUE.equals(condition.operand()) ? exists(field) : not(exists(field));
        };
    }

    private SqlFragment equalTo(String field, Object value) {
        String contains = metadata + " @> ?::jsonb";
        if (value instanceof String) {
            return SqlFragment.of(contains + " OR " + contains, json(field, value), json(field, List.of(value)));
        }
        return SqlFragment.of(contains, json(field, value));
    }

    private SqlFragment anyOf(String field, List<Object> values) {
        List<SqlFragment> parts = new ArrayList<>(values.size());
        values.forEach(value -> parts.add(equalTo(field, value)));
        return SqlFragment.join(" OR ", parts);
    }

    private SqlFragment range(String field, String comparison, double bound) {
        String value = metadata + " -> ?::text";
        return SqlFragment.of("CASE WHEN jsonb_typeof(" + value + ") = 'number' THEN (" + value + ")::float8 "
                + comparison + " ? ELSE FALSE END", field, field, bound);
    }

    private SqlFragment exists(String field) {
        return SqlFragment.of("coalesce(jsonb_typeof(" + metadata + " -> ?::text), 'null') <> 'null'", field);
    }

    private static SqlFragment not(SqlFragment operand) {
        return operand.wrap("NOT coalesce((", "), FALSE)");
    }

    private static String json(String field, Object value) {
        return MetadataJson.write(Map.of(field, value));
    }
}
