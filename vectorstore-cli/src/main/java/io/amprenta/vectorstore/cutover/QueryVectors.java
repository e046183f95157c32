package io.amprenta.vectorstore.cutover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
     * Up to {@code count} query vectors that look like the stored data but are none of it, for measuring recall as
     * an application's own queries would see it: for each of {@link #fromStoredRecords} a, one of its ten nearest
     * stored neighbours n (exactly, by a scan) is picked at random, and the query is the midpoint of a and n moved by
     * Gaussian noise about as long as the distance from a to n. A query that equals a stored vector finds itself at
     * distance zero and makes every index look better than it is on real questions; the midpoint of two neighbours
     * plus noise sits between records, where real queries fall. The same for the same {@code seed} (and contents).
     */
    public static List<BenchmarkQuery> heldOut(VectorStore store, int count, long seed) {
        PgVectorTable table = store.unwrap(PgVectorTable.class);
        Random random = new Random(seed);
        List<BenchmarkQuery> queries = new ArrayList<>();
        for (BenchmarkQuery stored : fromStoredRecords(store, count, seed)) {
            float[] a = stored.vector();
            List<Match> near = table.exactSearch(store.namespace(), Query.builder(a).topK(11).includeMetadata(false)
                    .includeValues(true).build()).stream()
                    .filter(match -> !match.id().equals(stored.sourceId()) && !Arrays.equals(match.values(), a))
                    .toList();
            float[] n = near.isEmpty() ? a : near.get(random.nextInt(near.size())).values();
            double distance = 0;
            double length = 0;
            for (int i = 0; i < a.length; i++) {
                distance += (n[i] - a[i]) * (double) (n[i] - a[i]);
                length += a[i] * (double) a[i];
            }
            // A record alone (or only with copies of itself) gets noise of a tenth of its own length instead.
            double noise = (near.isEmpty() ? 0.1 * Math.sqrt(length) : Math.sqrt(distance)) / Math.sqrt(a.length);
            float[] query = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                query[i] = (float) ((a[i] + n[i]) / 2.0 + noise * random.nextGaussian());
            }
            queries.add(BenchmarkQuery.of(query));
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
            double[] values = text.startsWith("[") ? JSON.readValue(text, double[].class) : numbers(text);
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
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String problem = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException(file + ", line " + number + " is not a query vector: " + problem, e);
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
