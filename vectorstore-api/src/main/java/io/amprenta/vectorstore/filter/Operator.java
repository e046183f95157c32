package io.amprenta.vectorstore.filter;

import java.util.Arrays;
import java.util.Optional;

/** The comparison operators of Pinecone's metadata filter language. */
public enum Operator {
    /** Equal; on a list field, any element equal. Operand: string, number or boolean. */
    EQ("$eq"),
    /** Not equal; on a list field, no element equal; also matches records without the field. */
    NE("$ne"),
    /** Greater than. Operand: number; matches numeric fields only. */
    GT("$gt"),
    /** Greater than or equal. Operand: number; matches numeric fields only. */
    GTE("$gte"),
    /** Less than. Operand: number; matches numeric fields only. */
    LT("$lt"),
    /** Less than or equal. Operand: number; matches numeric fields only. */
    LTE("$lte"),
    /** In a list; on a list field, any element in it. Operand: non-empty list of strings and numbers. */
    IN("$in"),
    /** Not in a list; on a list field, no element in it; also matches records without the field. */
    NIN("$nin"),
    /** The field is present ({@code true}) or absent ({@code false}). Operand: boolean. */
    EXISTS("$exists");

    private final String json;

    Operator(String json) {
        this.json = json;
    }

    /** The operator as written in filter JSON, e.g. {@code $gte}. */
    public String json() {
        return json;
    }

    /** Whether this is {@code $gt}, {@code $gte}, {@code $lt} or {@code $lte}. */
    public boolean isRange() {
        return this == GT || this == GTE || this == LT || this == LTE;
    }

    /** The operator written {@code json} in filter JSON, if there is one. */
    public static Optional<Operator> fromJson(String json) {
        return Arrays.stream(values()).filter(op -> op.json.equals(json)).findFirst();
    }
}
