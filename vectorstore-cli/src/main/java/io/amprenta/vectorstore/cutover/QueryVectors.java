package io.amprenta.vectorstore.cutover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Where benchmark and calibration queries come from: the stored embeddings themselves, or a file. */
public final class QueryVectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QueryVectors() {
    }

    /**
     * The vectors of up to {@code count} records of the pgvector {@code store}'s namespace, spread over the table and
     * the same for the same {@code seed}; each remembers its record, which is then left out of the answers.
     *
     * @throws ConfigurationException ({@code INVALID_SETTING}) when the namespace holds no record: wrong namespace, or
     *     nothing migrated yet
     */
    public static List<BenchmarkQuery> fromStoredRecords(VectorStore store, int count, long seed) {
        List<String> ids = store.unwrap(PgVectorTable.class).sampleIds(store.namespace(), count, seed);
        if (ids.isEmpty()) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, "The namespace '" + store.namespace() + "' of " + store
                    + " holds no embeddings to take query vectors from: check the namespace (--namespace, PGVECTOR_NAMESPACE),"
                    + " migrate first, or give a query file.");
        }
        Map<String, VectorRecord> records = store.fetch(ids);
        List<BenchmarkQuery> queries = new ArrayList<>(records.size());
        records.values().forEach(record -> queries.add(new BenchmarkQuery(record.values(), record.id())));
        return queries;
    }

    /**
     * Up to {@code limit} query vectors from a text file, one per line: a JSON array ({@code [0.12, -0.5, ...]}) or
     * numbers separated by commas or spaces. Blank lines and lines starting with {@code #} are skipped. Every vector
     * must have the same dimension and finite values.
     *
     * @throws IllegalArgumentException naming the file and the line, when a line is not such a vector or the file
     *     holds none
     * @throws UncheckedIOException when the file cannot be read
     */
    public static List<BenchmarkQuery> fromFile(Path file, int limit) {
        List<BenchmarkQuery> queries = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null && queries.size() < limit) {
                number++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                float[] vector = parse(text, file, number);
                if (!queries.isEmpty() && vector.length != queries.get(0).vector().length) {
                    throw new IllegalArgumentException(file + ", line " + number + ": " + vector.length
                            + " values, but the first vector has " + queries.get(0).vector().length);
                }
                queries.add(BenchmarkQuery.of(vector));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the query file " + file + ": " + e.getMessage(), e);
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no query vector (one per line: [0.1, 0.2, ...] or 0.1 0.2 ...)");
        }
        return queries;
    }

    private static float[] parse(String text, Path file, int number) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ", line " + number + " is not a query vector: " + e.getMessage(), e);
        }
    }

    /**
     * One vector written as a JSON array ({@code [0.1, 0.2]}) or as numbers separated by spaces or commas.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static float[] parse(String text) {
        try {
            String trimmed = text.strip();
            double[] values = trimmed.startsWith("[") ? JSON.readValue(trimmed, double[].class) : numbers(trimmed);
            float[] vector = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                vector[i] = (float) values[i];
                if (!Float.isFinite(vector[i])) {
                    throw new IllegalArgumentException("value " + (i + 1) + " is " + values[i] + ", not a finite float");
                }
            }
            if (vector.length == 0) {
                throw new IllegalArgumentException("no values");
            }
            return vector;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private static double[] numbers(String text) {
        String[] parts = text.split("[,\\s]+");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Double.parseDouble(parts[i]);
        }
        return values;
    }
}
