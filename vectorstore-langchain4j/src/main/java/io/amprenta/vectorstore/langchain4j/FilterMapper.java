package io.amprenta.vectorstore.langchain4j;

import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import io.amprenta.vectorstore.filter.Filter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Translates a LangChain4j metadata filter into the store's filter language, Pinecone's.
 *
 * <p>Most of LangChain4j's filter maps one to one: equality, inequality, {@code in}/{@code not in}, numeric ranges,
 * {@code and}, {@code or}. Negation does not exist in Pinecone's language, so {@code not} is pushed down to the
 * leaves first, with LangChain4j's meaning: a comparison with a missing key is false, so {@code not(key > 1)} is
 * "key is absent or key &lt;= 1". Two comparisons have no Pinecone equivalent at all: ranges over strings
 * ({@code isGreaterThan("b")}) and {@code containsString}. For those the store receives a looser filter (the key
 * exists, or nothing) and the exact test runs on the returned records: {@link Translation#residual()} is then set.
 */
final class FilterMapper {

    private FilterMapper() {
    }

    /**
     * A translated filter.
     *
     * @param pushdown what the store evaluates, or null for no filter; always matches at least the records that
     *     the LangChain4j filter matches
     * @param residual the exact test to apply to what the store returns, or null when {@code pushdown} is exact
     */
    record Translation(Filter pushdown, Node residual) {
        boolean exact() {
            return residual == null;
        }
    }

    static Translation translate(dev.langchain4j.store.embedding.filter.Filter filter) {
        Node node = normalize(filter, false);
        Filter pushdown = node.pushdown();
        return new Translation(pushdown instanceof io.amprenta.vectorstore.filter.And and && and.matchesEverything()
                ? null : pushdown, node.exact() ? null : node);
    }

    /** A filter in negation normal form: leaves, conjunctions and disjunctions. */
    interface Node {
        /** What the store can evaluate; a superset of what this node matches. */
        Filter pushdown();

        /** Whether {@link #pushdown()} matches exactly what this node matches. */
        boolean exact();

        /** This node's meaning, evaluated on a record's stored metadata. */
        boolean test(Map<String, Object> metadata);
    }

    /** A comparison the store evaluates exactly. */
    private record Exact(Filter filter) implements Node {
        @Override
        public Filter pushdown() {
            return filter;
        }

        @Override
        public boolean exact() {
            return true;
        }

        @Override
        public boolean test(Map<String, Object> metadata) {
            return filter.test(metadata);
        }
    }

    /** A comparison of strings that Pinecone's language cannot express: checked on the records returned. */
    private record StringTest(String key, Kind kind, String operand, boolean negated) implements Node {
        enum Kind { GT, GTE, LT, LTE, CONTAINS }

        @Override
        public Filter pushdown() {
            // A negated test also matches records without the key; the positive one needs the key.
            return negated ? Filter.all() : Filter.exists(key);
        }

        @Override
        public boolean exact() {
            return false;
        }

        @Override
        public boolean test(Map<String, Object> metadata) {
            Object value = metadata.get(key);
            if (value == null) {
                return negated;
            }
            if (!(value instanceof String text)) {
                // LangChain4j refuses to compare a string with another type; such a record never matches.
                return false;
            }
            boolean result = switch (kind) {
                case GT -> text.compareTo(operand) > 0;
                case GTE -> text.compareTo(operand) >= 0;
                case LT -> text.compareTo(operand) < 0;
                case LTE -> text.compareTo(operand) <= 0;
                case CONTAINS -> text.contains(operand);
            };
            return negated != result;
        }
    }

    private record AllOf(List<Node> operands) implements Node {
        @Override
        public Filter pushdown() {
            List<Filter> filters = new ArrayList<>();
            for (Node operand : operands) {
                Filter pushed = operand.pushdown();
                if (!(pushed instanceof io.amprenta.vectorstore.filter.And and && and.matchesEverything())) {
                    filters.add(pushed);
                }
            }
            return filters.isEmpty() ? Filter.all() : filters.size() == 1 ? filters.get(0) : Filter.and(filters);
        }

        @Override
        public boolean exact() {
            return operands.stream().allMatch(Node::exact);
        }

        @Override
        public boolean test(Map<String, Object> metadata) {
            return operands.stream().allMatch(operand -> operand.test(metadata));
        }
    }

    private record AnyOf(List<Node> operands) implements Node {
        @Override
        public Filter pushdown() {
            List<Filter> filters = new ArrayList<>();
            for (Node operand : operands) {
                Filter pushed = operand.pushdown();
                if (pushed instanceof io.amprenta.vectorstore.filter.And and && and.matchesEverything()) {
                    return Filter.all();
                }
                filters.add(pushed);
            }
            return Filter.or(filters);
        }

        @Override
        public boolean exact() {
            return operands.stream().allMatch(Node::exact);
        }

        @Override
        public boolean test(Map<String, Object> metadata) {
            return operands.stream().anyMatch(operand -> operand.test(metadata));
        }
    }

    /** {@code filter}, or its negation when {@code negate}, in negation normal form. */
    private static Node normalize(dev.langchain4j.store.embedding.filter.Filter filter, boolean negate) {
        if (filter instanceof Not not) {
            return normalize(not.expression(), !negate);
        }
        if (filter instanceof And and) {
            List<Node> operands = List.of(normalize(and.left(), negate), normalize(and.right(), negate));
            return negate ? new AnyOf(operands) : new AllOf(operands);
        }
        if (filter instanceof Or or) {
            List<Node> operands = List.of(normalize(or.left(), negate), normalize(or.right(), negate));
            return negate ? new AllOf(operands) : new AnyOf(operands);
        }
        if (filter instanceof IsEqualTo eq) {
            Object value = scalar(eq.key(), eq.comparisonValue());
            return new Exact(negate ? Filter.ne(eq.key(), value) : Filter.eq(eq.key(), value));
        }
        if (filter instanceof IsNotEqualTo ne) {
            Object value = scalar(ne.key(), ne.comparisonValue());
            return new Exact(negate ? Filter.eq(ne.key(), value) : Filter.ne(ne.key(), value));
        }
        if (filter instanceof IsIn in) {
            List<Object> values = list(in.key(), in.comparisonValues());
            return new Exact(negate ? Filter.nin(in.key(), values) : Filter.in(in.key(), values));
        }
        if (filter instanceof IsNotIn nin) {
            List<Object> values = list(nin.key(), nin.comparisonValues());
            return new Exact(negate ? Filter.in(nin.key(), values) : Filter.nin(nin.key(), values));
        }
        if (filter instanceof IsGreaterThan gt) {
            return range(gt.key(), gt.comparisonValue(), StringTest.Kind.GT, negate);
        }
        if (filter instanceof IsGreaterThanOrEqualTo gte) {
            return range(gte.key(), gte.comparisonValue(), StringTest.Kind.GTE, negate);
        }
        if (filter instanceof IsLessThan lt) {
            return range(lt.key(), lt.comparisonValue(), StringTest.Kind.LT, negate);
        }
        if (filter instanceof IsLessThanOrEqualTo lte) {
            return range(lte.key(), lte.comparisonValue(), StringTest.Kind.LTE, negate);
        }
        if (filter instanceof ContainsString contains) {
            return new StringTest(contains.key(), StringTest.Kind.CONTAINS, contains.comparisonValue(), negate);
        }
        throw new UnsupportedOperationException("The LangChain4j filter " + filter.getClass().getSimpleName() + " (" + filter
                + ") is not supported by the vectorstore EmbeddingStore; use isEqualTo, isNotEqualTo, isIn, isNotIn,"
                + " the range comparisons, containsString, and, or and not.");
    }

    private static Node range(String key, Object operand, StringTest.Kind kind, boolean negate) {
        if (operand instanceof String || operand instanceof UUID) {
            return new StringTest(key, kind, operand.toString(), negate);
        }
        if (!(operand instanceof Number number)) {
            throw new IllegalArgumentException("The filter on metadata key '" + key + "' compares with " + operand
                    + " of type " + operand.getClass().getName() + "; range comparisons take numbers or strings.");
        }
        double bound = number.doubleValue();
        if (!negate) {
            return new Exact(switch (kind) {
                case GT -> Filter.gt(key, bound);
                case GTE -> Filter.gte(key, bound);
                case LT -> Filter.lt(key, bound);
                case LTE -> Filter.lte(key, bound);
                default -> throw new IllegalStateException(kind.name());
            });
        }
        // LangChain4j: a comparison with a missing key is false, so its negation holds for a missing key.
        Filter opposite = switch (kind) {
            case GT -> Filter.lte(key, bound);
            case GTE -> Filter.lt(key, bound);
            case LT -> Filter.gte(key, bound);
            case LTE -> Filter.gt(key, bound);
            default -> throw new IllegalStateException(kind.name());
        };
        return new Exact(Filter.or(Filter.notExists(key), opposite));
    }

    // Values are compared the way they are stored (see MetadataMapper): UUIDs as strings, numbers as doubles.
    private static Object scalar(String key, Object value) {
        if (value instanceof UUID) {
            return value.toString();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException("The filter on metadata key '" + key + "' compares with " + value + " of type "
                + value.getClass().getName() + "; filters take strings, UUIDs, numbers and booleans.");
    }

    private static List<Object> list(String key, Collection<?> values) {
        List<Object> scalars = new ArrayList<>(values.size());
        for (Object value : values) {
            Object scalar = scalar(key, value);
            if (scalar instanceof Boolean) {
                throw new IllegalArgumentException("The isIn/isNotIn filter on metadata key '" + key
                        + "' holds a boolean; it takes strings, UUIDs and numbers.");
            }
            scalars.add(scalar);
        }
        return scalars;
    }
}
