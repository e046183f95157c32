package io.amprenta.vectorstore.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the pgvector benchmark runs on and how long. Read from {@code --key=value} arguments or {@code benchmark.*}
 * system properties (the same names).
 *
 * @param dataset the directory of a data set in the {@code minilm-debian-20k} format; empty means generated
 *     clustered data
 * @param missingDataset a data set directory that was asked for but holds no {@code base.f32}, for the report
 * @param queries how many query vectors to use
 * @param ingestCopies how many times the base vectors are loaded (with distinct ids) in the ingest comparison
 * @param repetitions how many times each ingest is measured; the median of the runs' ratios counts
 * @param latencyRounds how many times every query is timed on each side
 * @param warmUpQueries how many queries each side of the query-latency comparison runs before timing starts, so that
 *     the JIT has compiled every side's code path (a few hundred calls leave the longer one partly interpreted)
 * @param generatedRows base vectors when generating data
 * @param generatedDimension their dimension
 * @param sweep whether to also measure recall and latency over a range of ef_search values
 * @param parts which parts to run: {@code ingest}, {@code queries} (latency and recall), or both
 * @param heapSizes the migration sizes whose peak heap the migration benchmark measures ({@code 50000,200000})
 * @param heapLimitMb the -Xmx of the migration heap probes, in MB (256)
 */
public record BenchmarkOptions(Optional<Path> dataset, Optional<Path> missingDataset, int queries, int ingestCopies,
                               int repetitions, int latencyRounds, int warmUpQueries, int generatedRows, int generatedDimension,
                               boolean sweep, Set<String> parts, List<Integer> heapSizes, int heapLimitMb) {

    /** Where the project's shared real data set lives, relative to the project root; users do not have it, so nothing depends on it. */
    public static final Path DEFAULT_DATASET = Path.of("..", "shared", "datasets", "minilm-debian-20k");

    /** Reads the options from {@code values} ({@code dataset}, {@code queries}, ...), defaults for the rest. */
    public static BenchmarkOptions from(Map<String, String> values) {
        Optional<Path> asked = Optional.ofNullable(values.get("dataset")).filter(v -> !v.isBlank()).map(Path::of);
        Optional<Path> dataset = asked.isPresent() ? asked.filter(BenchmarkOptions::isDataset) : findDefaultDataset();
        return new BenchmarkOptions(dataset, asked.filter(path -> !isDataset(path)),
                integer(values, "queries", 200),
                integer(values, "ingestCopies", 3),
                integer(values, "repetitions", 5),
                integer(values, "latencyRounds", 3),
                integer(values, "warmUpQueries", 2_000),
                integer(values, "rows", 20_000),
                integer(values, "dimension", 384),
                Boolean.parseBoolean(values.getOrDefault("sweep", "false")),
                Set.of(values.getOrDefault("parts", "ingest,queries").split(",")),
                Arrays.stream(values.getOrDefault("heapSizes", "50000,200000").split(",")).map(String::trim)
                        .map(Integer::valueOf).toList(),
                integer(values, "heapLimitMb", 256));
    }

    // The benchmark may run from the project root or from the benchmarks module.
    private static Optional<Path> findDefaultDataset() {
        for (Path candidate : new Path[] {DEFAULT_DATASET, Path.of("..").resolve(DEFAULT_DATASET)}) {
            if (isDataset(candidate)) {
                return Optional.of(candidate.normalize());
            }
        }
        return Optional.empty();
    }

    private static boolean isDataset(Path directory) {
        return Files.isRegularFile(directory.resolve("base.f32")) && Files.isRegularFile(directory.resolve("queries.f32"));
    }

    private static int integer(Map<String, String> values, String key, int defaultValue) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("benchmark option " + key + " is '" + value + "' but must be a positive integer");
    }
}
