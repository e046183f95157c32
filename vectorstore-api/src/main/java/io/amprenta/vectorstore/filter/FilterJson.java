package io.amprenta.vectorstore.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amprenta.vectorstore.InvalidFilterException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads and writes Pinecone filter JSON. Errors quote the fragment they are about. */
final class FilterJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_QUOTE = 200;
    // Doubles below 2^53 in magnitude are exact integers when integral; write those without ".0".
    private static final double EXACT_INTEGER_LIMIT = 9_007_199_254_740_992d;
    private static final String OPERATORS = Arrays.stream(Operator.values())
            .map(Operator::json).collect(Collectors.joining(", "));

    private FilterJson() {
    }

    static Filter parse(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidFilterException("The filter is empty. Pass a JSON object such as {\"genre\": \"drama\"},"
                    + " or {} to match every record.");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidFilterException("The filter is not valid JSON (" + e.getOriginalMessage() + "): "
                    + quote(json) + ".", e);
        }
        if (root.isObject() && root.isEmpty()) {
            return Filter.all();
        }
        return parseObject(root);
    }

    private static Filter parseObject(JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            throw new InvalidFilterException("Expected a non-empty filter object but found " + quote(node) + ".");
        }
        List<Filter> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            if (key.startsWith("$")) {
                parts.add(parseLogical(key, entry.getValue()));
            } else {
                parts.add(parseField(key, entry.getValue()));
            }
        }
        return parts.size() == 1 ? parts.get(0) : new And(parts);
    }

    private static Filter parseLogical(String key, JsonNode value) {
        boolean isAnd = key.equals("$and");
        if (!isAnd && !key.equals("$or")) {
            String hint = Operator.fromJson(key).isPresent()
                    ? " Comparison operators go inside a field, e.g. {\"year\": {\"" + key + "\": ...}}."
                    : " The keys of a filter object are field names, $and or $or.";
            throw new InvalidFilterException("Unsupported operator \"" + key + "\" in " + quote(single(key, value)) + "." + hint);
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new InvalidFilterException(key + " needs a non-empty array of filter objects, but got "
                    + quote(single(key, value)) + ".");
        }
        List<Filter> operands = new ArrayList<>(value.size());
        value.forEach(element -> operands.add(parseObject(element)));
        return isAnd ? new And(operands) : new Or(operands);
    }

    private static Filter parseField(String field, JsonNode value) {
        if (value.isObject()) {
            if (value.isEmpty()) {
                throw new InvalidFilterException("The filter on \"" + field + "\" has no operator: "
                        + quote(single(field, value)) + ". Use one of " + OPERATORS + ".");
            }
            List<Filter> conditions = new ArrayList<>(value.size());
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                Operator operator = Operator.fromJson(entry.getKey()).orElseThrow(() -> new InvalidFilterException(
                        "Unsupported operator \"" + entry.getKey() + "\" in " + quote(single(field, value))
                                + ". Supported operators: " + OPERATORS + "."));
                conditions.add(new Condition(field, operator, operand(field, operator, entry.getValue())));
            }
            return conditions.size() == 1 ? conditions.get(0) : new And(conditions);
        }
        if (value.isArray()) {
            throw new InvalidFilterException("The filter " + quote(single(field, value)) + " compares a field with an"
                    + " array; to match any of several values write {\"" + field + "\": {\"$in\": " + quote(value) + "}}.");
        }
        if (value.isNull()) {
            throw new InvalidFilterException("The filter " + quote(single(field, value)) + " compares with null; to match"
                    + " records without the field write {\"" + field + "\": {\"$exists\": false}}.");
        }
        return new Condition(field, Operator.EQ, operand(field, Operator.EQ, value));
    }

    // Converts JSON to Java values; Condition then checks that they suit the operator.
    private static Object operand(String field, Operator operator, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isArray()) {
            List<Object> elements = new ArrayList<>(value.size());
            for (JsonNode element : value) {
                if (!element.isTextual() && !element.isNumber()) {
                    throw new InvalidFilterException("In " + quote(single(field, single(operator.json(), value)))
                            + ", " + quote(element) + " is not a string or a number.");
                }
                elements.add(element.isTextual() ? element.textValue() : element.doubleValue());
            }
            return elements;
        }
        throw new InvalidFilterException("In " + quote(single(field, single(operator.json(), value))) + ", "
                + operator.json() + " cannot take " + quote(value) + ".");
    }

    static String write(Filter filter) {
        try {
            return MAPPER.writeValueAsString(toNode(filter));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JsonNode always serializes", e);
        }
    }

    private static JsonNode toNode(Filter filter) {
        return filter.accept(new Filter.Visitor<JsonNode>() {
            @Override
            public JsonNode visitCondition(Condition condition) {
                return single(condition.field(), single(condition.operator().json(), valueNode(condition.operand())));
            }

            @Override
            public JsonNode visitAnd(And and) {
                return and.matchesEverything() ? NODES.objectNode() : logical("$and", and.operands());
            }

            @Override
            public JsonNode visitOr(Or or) {
                return logical("$or", or.operands());
            }
        });
    }

    private static JsonNode logical(String key, List<Filter> operands) {
        ArrayNode array = NODES.arrayNode();
        operands.forEach(operand -> array.add(toNode(operand)));
        return single(key, array);
    }

    private static JsonNode valueNode(Object value) {
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Double number) {
            boolean integral = number == Math.rint(number) && Math.abs(number) < EXACT_INTEGER_LIMIT;
            return integral ? NODES.numberNode(number.longValue()) : NODES.numberNode(number);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(element -> array.add(valueNode(element)));
            return array;
        }
        throw new IllegalStateException("not a normalized operand: " + value);
    }

    private static ObjectNode single(String key, JsonNode value) {
        ObjectNode node = NODES.objectNode();
        node.set(key, value);
        return node;
    }

    /** A short rendering of a Java operand for messages. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return quote(NODES.textNode(text));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return abbreviate(String.valueOf(value)) + " (" + value.getClass().getSimpleName() + ")";
    }

    private static String quote(JsonNode node) {
        return abbreviate(node.toString());
    }

    private static String quote(String text) {
        return abbreviate(text.strip());
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_QUOTE ? text : text.substring(0, MAX_QUOTE) + "...";
    }
}
