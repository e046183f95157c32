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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
     * Up to {@code count} query vectors derived from the stored data but none of it, for measuring recall as an
     * application's own queries would see it: each is the midpoint of two stored vectors picked at random (from
     * {@link #fromStoredRecords} with twice the count), which for cosine is their normalized sum. A query that equals a
     * stored vector finds itself at distance zero, and the HNSW graph linked that vector to its neighbours when it was
     * inserted, so such queries make every index look better than it is on real questions; a combination of two
     * unrelated records sits between them, off the stored points, where real questions fall. Pairs of identical
     * vectors are skipped. The same for the same {@code seed} (and contents).
     */
    public static List<BenchmarkQuery> heldOut(VectorStore store, int count, long seed) {
        List<BenchmarkQuery> stored = new ArrayList<>(fromStoredRecords(store, 2 * count, seed));
        Collections.shuffle(stored, new Random(seed));
        List<BenchmarkQuery> queries = new ArrayList<>();
        for (int i = 0; i + 1 < stored.size() && queries.size() < count; i += 2) {
            float[] a = stored.get(i).vector();
            float[] b = stored.get(i + 1).vector();
            if (Arrays.equals(a, b)) {
                continue;
            }
            float[] query = new float[a.length];
            for (int j = 0; j < a.length; j++) {
                query[j] = (float) ((a[j] + (double) b[j]) / 2);
            }
            queries.add(BenchmarkQuery.of(query));
        }
        if (queries.isEmpty()) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, "The namespace '" + store.namespace() + "' of " + store
                    + " holds fewer than two distinct embeddings to derive held-out queries from: give a query file.");
        }
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
