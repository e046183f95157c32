package io.amprenta.vectorstore.filter;

import io.amprenta.vectorstore.InvalidFilterException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A metadata filter in Pinecone's language, the same on every backend.
 *
 * <p>Parse Pinecone's JSON with {@link #fromJson(String)} or build the same tree in Java:
 * <pre>{@code
 * Filter f = Filter.fromJson("{\"genre\": {\"$in\": [\"drama\"]}, \"year\": {\"$gte\": 2020}}");
 * Filter g = Filter.and(Filter.in("genre", "drama"), Filter.gte("year", 2020));
 * }</pre>
 *
 * <p>Semantics, which {@link #test(Map)} implements as the reference every backend is tested
 * against: several fields in one object are an implicit {@code $and}; a bare value means {@code $eq};
 * values are strings, numbers (compared as doubles) and booleans, never coerced into one another; on a
 * list-of-strings field {@code $eq}/{@code $in} match when any element matches and {@code $ne}/{@code $nin}
 * when none does; {@code $ne}/{@code $nin} also match records without the field; range operators take
 * numbers and match numeric fields only.
 *
 * <p>Filters are immutable values with structural equality; {@code Filter.fromJson(f.toJson())} equals
 * {@code f}.
 */
public sealed interface Filter permits Condition, And, Or {

    /** Whether metadata matches this filter, by the reference semantics. */
    boolean test(Map<String, ?> metadata);

    /** Calls the visitor method for this node's type; how backends translate filters. */
    <R> R accept(Visitor<R> visitor);

    /** This filter as Pinecone filter JSON. */
    default String toJson() {
        return FilterJson.write(this);
    }

    /** One method per node type, for backends that compile filters (to SQL, to protobuf). */
    interface Visitor<R> {
        /** A field comparison. */
        R visitCondition(Condition condition);

        /** A conjunction; {@link And#matchesEverything()} when empty. */
        R visitAnd(And and);

        /** A disjunction. */
        R visitOr(Or or);
    }

    /**
     * Parses Pinecone filter JSON.
     *
     * @throws InvalidFilterException quoting the offending fragment when the JSON is malformed or uses
     *     an operator or value type the language does not have
     */
    static Filter fromJson(String json) {
        return FilterJson.parse(json);
    }

    /** The filter that matches every record, JSON {@code {}}. */
    static Filter all() {
        return new And(List.of());
    }

    /** {@code field} equals {@code value} (a string, number or boolean). */
    static Filter eq(String field, Object value) {
        return new Condition(field, Operator.EQ, value);
    }

    /** {@code field} does not equal {@code value}, or is absent. */
    static Filter ne(String field, Object value) {
        return new Condition(field, Operator.NE, value);
    }

    /** {@code field} is a number greater than {@code value}. */
    static Filter gt(String field, double value) {
        return new Condition(field, Operator.GT, value);
    }

    /** {@code field} is a number greater than or equal to {@code value}. */
    static Filter gte(String field, double value) {
        return new Condition(field, Operator.GTE, value);
    }

    /** {@code field} is a number less than {@code value}. */
    static Filter lt(String field, double value) {
        return new Condition(field, Operator.LT, value);
    }

    /** {@code field} is a number less than or equal to {@code value}. */
    static Filter lte(String field, double value) {
        return new Condition(field, Operator.LTE, value);
    }

    /** {@code field} equals one of {@code values} (strings and numbers). */
    static Filter in(String field, Object... values) {
        return in(field, Arrays.asList(values));
    }

    /** {@code field} equals one of {@code values} (strings and numbers). */
    static Filter in(String field, Collection<?> values) {
        return new Condition(field, Operator.IN, values);
    }

    /** {@code field} equals none of {@code values}, or is absent. */
    static Filter nin(String field, Object... values) {
        return nin(field, Arrays.asList(values));
    }

    /** {@code field} equals none of {@code values}, or is absent. */
    static Filter nin(String field, Collection<?> values) {
        return new Condition(field, Operator.NIN, values);
    }

    /** {@code field} is present. */
    static Filter exists(String field) {
        return new Condition(field, Operator.EXISTS, true);
    }

    /** {@code field} is absent. */
    static Filter notExists(String field) {
        return new Condition(field, Operator.EXISTS, false);
    }

    /** All of {@code filters} match; at least one is required. */
    static Filter and(Filter... filters) {
        return and(Arrays.asList(filters));
    }

    /** All of {@code filters} match; at least one is required (use {@link #all()} to match everything). */
    static Filter and(List<Filter> filters) {
        if (filters.isEmpty()) {
            throw new InvalidFilterException("$and needs at least one filter; use Filter.all() to match every record.");
        }
        return new And(filters);
    }

    /** At least one of {@code filters} matches. */
    static Filter or(Filter... filters) {
        return or(Arrays.asList(filters));
    }

    /** At least one of {@code filters} matches. */
    static Filter or(List<Filter> filters) {
        return new Or(filters);
    }
}
