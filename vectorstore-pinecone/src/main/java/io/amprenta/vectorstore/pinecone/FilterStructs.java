package io.amprenta.vectorstore.pinecone;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.amprenta.vectorstore.filter.And;
import io.amprenta.vectorstore.filter.Condition;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.filter.Or;

/**
 * Our {@link Filter} as the protobuf {@link Struct} Pinecone takes: the same JSON as {@link Filter#toJson()},
 * built as a tree so that no value passes through text. Every condition is written in its explicit form
 * ({@code {"field": {"$op": operand}}}) and every conjunction as {@code $and}.
 */
final class FilterStructs {

    private FilterStructs() {
    }

    /** The Struct for {@code filter}; {@link Filter#all()} becomes the empty Struct. */
    static Struct toStruct(Filter filter) {
        return filter.accept(TO_STRUCT);
    }

    private static final Filter.Visitor<Struct> TO_STRUCT = new Filter.Visitor<>() {
        @Override
        public Struct visitCondition(Condition condition) {
            Struct comparison = Struct.newBuilder()
                    .putFields(condition.operator().json(), MetadataStructs.toValue(condition.operand()))
                    .build();
            return Struct.newBuilder()
                    .putFields(condition.field(), Value.newBuilder().setStructValue(comparison).build())
                    .build();
        }

        // Pinecone has no way to write "matches everything" inside $and/$or ({} is not a valid operand),
        // so such operands are folded away: they vanish from an $and and make an $or match everything.
        @Override
        public Struct visitAnd(And and) {
            ListValue.Builder list = ListValue.newBuilder();
            for (Filter operand : and.operands()) {
                Struct converted = operand.accept(this);
                if (!matchesEverything(converted)) {
                    list.addValues(Value.newBuilder().setStructValue(converted));
                }
            }
            return logical("$and", list);
        }

        @Override
        public Struct visitOr(Or or) {
            ListValue.Builder list = ListValue.newBuilder();
            for (Filter operand : or.operands()) {
                Struct converted = operand.accept(this);
                if (matchesEverything(converted)) {
                    return Struct.getDefaultInstance();
                }
                list.addValues(Value.newBuilder().setStructValue(converted));
            }
            return logical("$or", list);
        }

        private Struct logical(String operator, ListValue.Builder operands) {
            if (operands.getValuesCount() == 0) {
                return Struct.getDefaultInstance();
            }
            if (operands.getValuesCount() == 1) {
                return operands.getValues(0).getStructValue();
            }
            return Struct.newBuilder().putFields(operator, Value.newBuilder().setListValue(operands).build()).build();
        }
    };

    /** Whether a converted filter matches every record (the empty Struct). */
    static boolean matchesEverything(Struct filter) {
        return filter.getFieldsCount() == 0;
    }
}
