package io.amprenta.vectorstore.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How {@code fetch} and {@code query} show records and matches: every part of each (id, score, dense values,
 * sparse values, metadata), whole in JSON, abbreviated in the table so that a row fits a terminal line and
 * still shows that each part is there.
 */
final class RecordRows {

    /** How many leading values the table shows of a dense or sparse vector. */
    static final int SHOWN_VALUES = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordRows() {
    }

    /**
     * One record or match as JSON shows it.
     *
     * @param id the record's id
     * @param score the match's score; absent for fetched records
     * @param values the dense values
     * @param sparseValues the sparse values; absent when the record has none
     * @param metadata the metadata
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Row(String id, Double score, float[] values, Sparse sparseValues, Map<String, Object> metadata) {
    }

    /**
     * Sparse values in Pinecone's JSON shape.
     *
     * @param indices the indices, unsigned 32-bit
     * @param values a value per index
     */
    record Sparse(long[] indices, float[] values) {

        static Sparse of(SparseValues sparse) {
            return sparse == null ? null : new Sparse(sparse.indices(), sparse.values());
        }

        /** Parses Pinecone's shape, {@code {"indices": [...], "values": [...]}}; validation is the store's. */
        static SparseValues parse(String json) {
            try {
                Sparse sparse = JSON.readValue(json, Sparse.class);
                if (sparse.indices() == null || sparse.values() == null) {
                    throw new IllegalArgumentException("give both \"indices\" and \"values\"");
                }
                return SparseValues.of(sparse.indices(), sparse.values());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e.getOriginalMessage(), e);
            }
        }
    }

    static Row of(VectorRecord record) {
        return new Row(record.id(), null, record.values(), Sparse.of(record.sparseValues()), record.metadata());
    }

    static Row of(Match match) {
        return new Row(match.id(), match.score(), match.values(), Sparse.of(match.sparseValues()), match.metadata());
    }

    /** The rows as a table: a header, then one line per row. */
    static void table(Output output, List<Row> rows, boolean scores) {
        output.line((scores ? "SCORE       " : "") + "ID  VALUES  SPARSE  METADATA");
        for (Row row : rows) {
            output.line((scores ? String.format(Locale.ROOT, "%-10.6f  ", row.score()) : "") + row.id() + "  "
                    + dense(row.values()) + "  " + sparse(row.sparseValues()) + "  " + metadata(row.metadata()));
        }
    }

    private static String dense(float[] values) {
        StringJoiner shown = new StringJoiner(", ", values.length + "d [", values.length > SHOWN_VALUES ? ", ...]" : "]");
        for (int i = 0; i < Math.min(SHOWN_VALUES, values.length); i++) {
            shown.add(Float.toString(values[i]));
        }
        return shown.toString();
    }

    private static String sparse(Sparse sparse) {
        if (sparse == null) {
            return "-";
        }
        int count = sparse.indices().length;
        StringJoiner shown = new StringJoiner(", ", count + " sparse {", count > SHOWN_VALUES ? ", ...}" : "}");
        for (int i = 0; i < Math.min(SHOWN_VALUES, count); i++) {
            shown.add(sparse.indices()[i] + ": " + sparse.values()[i]);
        }
        return shown.toString();
    }

    private static String metadata(Map<String, Object> metadata) {
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata that is not JSON: " + metadata, e);
        }
    }
}
