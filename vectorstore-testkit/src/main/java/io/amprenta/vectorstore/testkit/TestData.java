package io.amprenta.vectorstore.testkit;

import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.filter.Filter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic test data: vectors, records with metadata of every supported type, and random filters
 * over that metadata that exercise every operator and edge case (list fields, missing fields, strings
 * that look like numbers, integers against doubles). Seeded, so a failure reproduces.
 */
public final class TestData {

    /** Genres; a small vocabulary so that equality filters match sizeable groups. */
    public static final List<String> GENRES = List.of("drama", "comedy", "action", "horror");
    /** Tags drawn into list-of-strings fields. */
    public static final List<String> TAGS = List.of("a", "b", "c", "d", "e");

    private static final String[] FIELDS = {"genre", "year", "rating", "tags", "active", "code", "absent"};

    private TestData() {
    }

    /** A vector of Gaussian values (never all zeros in practice). */
    public static float[] randomVector(Random random, int dimension) {
        return gaussian(random, dimension, 1.0);
    }

    /** A vector of Gaussian values with standard deviation {@code sigma}. */
    public static float[] gaussian(Random random, int dimension, double sigma) {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) (random.nextGaussian() * sigma);
        }
        return vector;
    }

    /** Scales {@code vector} in place to unit length; returns it. */
    public static float[] normalize(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < vector.length; d++) {
            vector[d] *= scale;
        }
        return vector;
    }

    /** The unit vector along {@code axis}. */
    public static float[] unit(int dimension, int axis) {
        float[] vector = new float[dimension];
        vector[axis] = 1f;
        return vector;
    }

    /** {@code count} records {@code prefix0, prefix1, ...} with random vectors and {@link #randomMetadata}. */
    public static List<VectorRecord> randomRecords(Random random, int count, int dimension, String prefix) {
        List<VectorRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(VectorRecord.of(prefix + i, randomVector(random, dimension), randomMetadata(random)));
        }
        return records;
    }

    /**
     * Metadata where each field is missing a fifth of the time: {@code genre} (string), {@code year}
     * (integral number), {@code rating} (fractional number), {@code tags} (list of strings, sometimes
     * empty), {@code active} (boolean), and {@code code}, which is the string "1", the number 1 or the
     * number 2, so that strict typing is tested.
     */
    public static Map<String, Object> randomMetadata(Random random) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        putSometimes(random, metadata, "genre", GENRES.get(random.nextInt(GENRES.size())));
        putSometimes(random, metadata, "year", 1990 + random.nextInt(35));
        putSometimes(random, metadata, "rating", Math.round(random.nextDouble() * 100) / 10.0);
        putSometimes(random, metadata, "tags", randomTags(random));
        putSometimes(random, metadata, "active", random.nextBoolean());
        putSometimes(random, metadata, "code", switch (random.nextInt(3)) {
            case 0 -> "1";
            case 1 -> 1;
            default -> 2.0;
        });
        return metadata;
    }

    private static void putSometimes(Random random, Map<String, Object> metadata, String key, Object value) {
        if (random.nextInt(5) != 0) {
            metadata.put(key, value);
        }
    }

    private static List<String> randomTags(Random random) {
        List<String> tags = new ArrayList<>();
        for (String tag : TAGS) {
            if (random.nextInt(3) == 0) {
                tags.add(tag);
            }
        }
        return tags;
    }

    /** A random filter of nesting depth up to {@code depth} over {@link #randomMetadata}'s fields. */
    public static Filter randomFilter(Random random, int depth) {
        if (depth > 0 && random.nextInt(3) == 0) {
            List<Filter> operands = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                operands.add(randomFilter(random, depth - 1));
            }
            return random.nextBoolean() ? Filter.and(operands) : Filter.or(operands);
        }
        return randomCondition(random);
    }

    // Mostly conditions that suit their field, so that filters select some records and not others;
    // a quarter are typed at random, to check that nothing is coerced across types.
    private static Filter randomCondition(Random random) {
        if (random.nextInt(4) == 0) {
            return randomlyTypedCondition(random);
        }
        return switch (random.nextInt(7)) {
            case 0 -> textCondition(random, "genre", GENRES);
            case 1 -> textCondition(random, "tags", TAGS);
            case 2 -> numberCondition(random, "year", 1990 + random.nextInt(35));
            case 3 -> numberCondition(random, "rating", Math.round(random.nextDouble() * 100) / 10.0);
            case 4 -> random.nextBoolean() ? Filter.eq("active", random.nextBoolean()) : Filter.ne("active", random.nextBoolean());
            case 5 -> codeCondition(random);
            default -> random.nextBoolean() ? Filter.exists(FIELDS[random.nextInt(FIELDS.length)])
                    : Filter.notExists(FIELDS[random.nextInt(FIELDS.length)]);
        };
    }

    private static Filter textCondition(Random random, String field, List<String> vocabulary) {
        String value = vocabulary.get(random.nextInt(vocabulary.size()));
        List<Object> values = List.of(value, vocabulary.get(random.nextInt(vocabulary.size())));
        return switch (random.nextInt(4)) {
            case 0 -> Filter.eq(field, value);
            case 1 -> Filter.ne(field, value);
            case 2 -> Filter.in(field, values);
            default -> Filter.nin(field, values);
        };
    }

    private static Filter numberCondition(Random random, String field, double value) {
        return switch (random.nextInt(6)) {
            case 0 -> Filter.gt(field, value);
            case 1 -> Filter.gte(field, value);
            case 2 -> Filter.lt(field, value);
            case 3 -> Filter.lte(field, value);
            case 4 -> Filter.eq(field, value);
            default -> Filter.in(field, value, 2000, 2010.0);
        };
    }

    private static Filter codeCondition(Random random) {
        Object value = switch (random.nextInt(3)) {
            case 0 -> "1";
            case 1 -> 1;
            default -> 2.0;
        };
        return switch (random.nextInt(4)) {
            case 0 -> Filter.eq("code", value);
            case 1 -> Filter.ne("code", value);
            case 2 -> Filter.in("code", value, "2");
            default -> Filter.nin("code", value, 1.0);
        };
    }

    private static Filter randomlyTypedCondition(Random random) {
        String field = FIELDS[random.nextInt(FIELDS.length)];
        return switch (random.nextInt(8)) {
            case 0 -> Filter.eq(field, randomScalar(random));
            case 1 -> Filter.ne(field, randomScalar(random));
            case 2 -> Filter.gt(field, randomNumber(random));
            case 3 -> Filter.lte(field, randomNumber(random));
            case 4 -> Filter.in(field, randomList(random));
            case 5 -> Filter.nin(field, randomList(random));
            case 6 -> Filter.exists(field);
            default -> Filter.notExists(field);
        };
    }

    // Values of every type, including ones that look alike across types ("1" and 1).
    private static Object randomScalar(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> GENRES.get(random.nextInt(GENRES.size()));
            case 1 -> TAGS.get(random.nextInt(TAGS.size()));
            case 2 -> random.nextBoolean();
            case 3 -> "1";
            case 4 -> random.nextBoolean() ? 1 : 2.0;
            case 5 -> 1990 + random.nextInt(35);
            default -> randomNumber(random);
        };
    }

    private static double randomNumber(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> 1990 + random.nextInt(35);
            case 1 -> Math.round(random.nextDouble() * 100) / 10.0;
            default -> random.nextInt(3);
        };
    }

    private static List<Object> randomList(Random random) {
        List<Object> values = new ArrayList<>();
        int size = 1 + random.nextInt(3);
        for (int i = 0; i < size; i++) {
            Object value = randomScalar(random);
            values.add(value instanceof Boolean ? "drama" : value);
        }
        return values;
    }
}
