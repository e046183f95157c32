package io.amprenta.vectorstore.examples.demo;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.ThrowawayPostgres;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The end-to-end demo ({@code scripts/demo}): a Pinecone index (the emulator, with a generated corpus of
 * clustered embeddings in two namespaces) is moved into PostgreSQL with pgvector using the
 * {@code vectorstore} command exactly as an operator would: schema upgrade on a table that already holds
 * application rows, a migration killed with SIGKILL and resumed, verify, benchmark, and finally the same
 * application query answered by both backends after switching {@code VECTOR_BACKEND}.
 *
 * <p>Uses {@code DATABASE_URL} when set (in its own table, {@value #USER_DATABASE_TABLE}), else a throwaway
 * PostgreSQL. Arguments: {@code --records N} (default 40,000), {@code --cli-jar PATH} (the executable jar;
 * {@code scripts/demo} passes it).
 */
public final class DemoMain {

    static final int DIMENSION = 384;
    static final String USER_DATABASE_TABLE = "vectorstore_demo_chunks";
    private static final double KILL_AT_FRACTION = 0.35;
    // The emulator keeps every record in this JVM: the vector, its metadata map and the emulator's own copy.
    // Measured: about 6,700 bytes a record live after a full collection at 100,000 and at 1,000,000 records
    // (docs/scaling.md), so the default heap of a quarter of a 24 GB machine is too small for 1,000,000.
    private static final long HEAP_BYTES_PER_RECORD = 7_500;
    // maintenance_work_mem for the index build that ends the migration (ARCHITECTURE.md, "A migration batch: from
    // claim to commit", step 5): the HNSW graph of a 384-dimensional row takes about 2.2 KB while it is built, and a
    // graph that outgrows maintenance_work_mem is finished on disk, many times slower.
    private static final long INDEX_BUILD_BYTES_PER_RECORD = 3_000;

    private final PrintStream out;
    private final Path cliJar;
    private final int records;
    private final ProcessBuilder.Redirect commandOutput;
    private final StepClock clock = new StepClock(System::nanoTime);

    /**
     * A demo of {@code records} records printing to {@code out}; the {@code vectorstore} commands write to
     * {@code commandOutput} (the terminal for a person, so that the progress bar shows; a file in the test).
     */
    DemoMain(PrintStream out, Path cliJar, int records, ProcessBuilder.Redirect commandOutput) {
        this.out = out;
        this.cliJar = cliJar;
        this.records = records;
        this.commandOutput = commandOutput;
    }

    public static void main(String[] args) throws Exception {
        int records = 40_000;
        Path jar = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--cli-jar" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --records N --cli-jar PATH");
            }
        }
        if (jar == null) {
            throw new IllegalArgumentException("--cli-jar PATH is required (scripts/demo passes it)");
        }
        requireHeap(records, Runtime.getRuntime().maxMemory());
        new DemoMain(new PrintStream(System.out, true, StandardCharsets.UTF_8), jar, records, ProcessBuilder.Redirect.INHERIT).run();
        System.exit(0);
    }

    /** Refuses, before any work, a run whose records would not fit in this JVM's heap beside the emulator. */
    static void requireHeap(int records, long maxHeapBytes) {
        long needed = records * HEAP_BYTES_PER_RECORD + (512L << 20);
        if (needed > maxHeapBytes) {
            long gigabytes = (needed + (1L << 30) - 1) >> 30;
            throw new IllegalArgumentException(String.format("The Pinecone emulator keeps the demo's %,d records in this JVM:"
                    + " that needs about %d GB of heap, and this JVM may use %d MB. Run it with"
                    + " DEMO_JAVA_OPTS=-Xmx%dg scripts/demo --records %d", records, gigabytes, maxHeapBytes >> 20, gigabytes, records));
        }
    }

    /** maintenance_work_mem for the index build of {@code records} rows, at least 1GB, in whole megabytes. */
    static String indexBuildMemory(int records) {
        return Math.max(1024, (records * INDEX_BUILD_BYTES_PER_RECORD + (1 << 20) - 1) >> 20) + "MB";
    }

    void run() throws Exception {
        long started = System.nanoTime();
        Optional<String> userDatabase = Optional.ofNullable(System.getenv("DATABASE_URL")).filter(url -> !url.isBlank());
        try (ThrowawayPostgres postgres = userDatabase.isPresent() ? null : ThrowawayPostgres.start("demo");
             PineconeEmulator pinecone = PineconeEmulator.builder().dimension(DIMENSION).metric(DistanceMetric.COSINE)
                     .indexName("rag-demo").start()) {
            Map<String, String> environment = new LinkedHashMap<>(pinecone.config());
            environment.putAll(userDatabase.map(url -> Map.of("DATABASE_URL", url)).orElseGet(() -> postgres.database().config()));
            environment.put("PGVECTOR_DIMENSION", String.valueOf(DIMENSION));
            environment.put("EMBEDDING_MODEL", "demo-minilm-384");
            environment.put("PGVECTOR_TABLE", userDatabase.isPresent() ? USER_DATABASE_TABLE : "rag_chunks");
            try (DemoSteps steps = new DemoSteps(out, cliJar, environment, commandOutput)) {
                runSteps(steps, environment, pinecone, userDatabase.isPresent());
            }
            out.println();
            out.println("== Time per step " + "=".repeat(84));
            clock.print(out);
            out.printf("Total time: %d s.%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
    }

    private void runSteps(DemoSteps steps, Map<String, String> environment, PineconeEmulator pinecone, boolean userDatabase)
            throws Exception {
        step("1. A Pinecone index with " + String.format("%,d", records) + " chunk embeddings in two namespaces");
        DemoCorpus corpus = new DemoCorpus(DIMENSION, 60, 42);
        int support = records * 3 / 4;
        pinecone.load("", corpus.chunks("support-", support));
        pinecone.load("marketing", corpus.chunks("marketing-", records - support));
        out.printf("Pinecone emulator at %s, index 'rag-demo' (%d dimensions, cosine): %s%n", pinecone.indexHost(), DIMENSION,
                pinecone.namespaceCounts());

        step("2. The application's own table, before the migration");
        int applicationRows = Math.min(5_000, support);
        steps.sql("CREATE TABLE " + environment.get("PGVECTOR_TABLE") + " (id text PRIMARY KEY, content text,"
                + " created_at timestamptz NOT NULL DEFAULT now())", userDatabase);
        steps.sql("INSERT INTO " + environment.get("PGVECTOR_TABLE") + " (id, content) SELECT 'support-' || g,"
                + " 'How to ... (chunk ' || g || ')' FROM generate_series(0, " + (applicationRows - 1) + ") g", false);
        out.printf("%s holds %,d application rows (id, content, created_at) and no embeddings.%n",
                environment.get("PGVECTOR_TABLE"), applicationRows);

        step("3. Prepare the table: extension, columns, HNSW index");
        steps.vectorstore("schema", "upgrade");
        steps.vectorstore("schema", "status");

        step("4. Plan, then migrate - and kill the migration with SIGKILL part-way");
        // About 40 batches whatever the size, so that the kill lands part-way through.
        String batchSize = String.valueOf(Math.max(100, Math.min(1000, records / 40)));
        String indexMemory = indexBuildMemory(records);
        steps.vectorstore("migrate", "--dry-run", "--batch-size", batchSize, "--workers", "4", "--defer-index",
                "--index-build-memory", indexMemory);
        long done = steps.vectorstoreKilledAt(KILL_AT_FRACTION, records, "migrate", "--batch-size", batchSize, "--workers", "4",
                "--defer-index", "--index-build-memory", indexMemory);
        out.printf(done < records ? "%n*** killed with SIGKILL after %,d of %,d records were committed ***%n"
                : "%n*** the migration finished (%,d of %,d records) before it could be killed; resume finds nothing to do ***%n",
                done, records);

        step("5. Resume: done ids are skipped, nothing is lost or copied twice");
        String table = environment.get("PGVECTOR_TABLE");
        steps.vectorstoreWatchingIndexBuild(table, () -> clock.start("5b. The index build at the end of the resumed migration"),
                "migrate", "--batch-size", batchSize, "--workers", "4", "--defer-index", "--index-build-memory", indexMemory, "--resume");
        out.printf("%s: %,d rows with an embedding; the %,d application rows still have their content: %,d%n", table,
                steps.count("SELECT count(*) FROM " + table + " WHERE embedding IS NOT NULL"), applicationRows,
                steps.count("SELECT count(*) FROM " + table + " WHERE content LIKE 'How to ...%'"));

        step("6. Verify: counts, every id, and a sample compared value by value");
        steps.vectorstore("verify", "--sample", "2000");
        out.println(steps.sizes(table));

        step("7. Benchmark both backends on the same queries");
        // Held-out queries (none of them a stored vector), as a user's questions are.
        steps.vectorstore("benchmark", "--queries", "100", "--top-k", "10", "--held-out");

        step("8. Switch VECTOR_BACKEND: the same application query on both backends");
        boolean identical = sideBySide(environment, corpus);

        clock.stop();
        heading("What this showed");
        out.print("""
                - schema upgrade added vectorstore's columns to a table that already held application rows, which kept their data;
                - the migration survived SIGKILL: --resume finished it without losing or rewriting a record;
                - verify found the target identical to the source;
                - the benchmark ran the same queries on both backends: latency, rows, recall against exact search, overlap;
                """);
        // Approximate search may rank differently: say what this run returned, not what it usually does.
        out.print(identical ? """
                - the same query, with a metadata filter, returned the same ids and scores from Pinecone and from pgvector,
                  so switching VECTOR_BACKEND (and switching back) changes no application code.
                """ : """
                - the same query, with a metadata filter, ran unchanged on Pinecone and on pgvector, so switching
                  VECTOR_BACKEND (and switching back) changes no application code; the ids differed here, as approximate
                  search may (the benchmark's recall says how often).
                """);
    }

    private void step(String title) {
        clock.start(title);
        heading(title);
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title + " " + "=".repeat(Math.max(3, 100 - title.length())));
    }

    // Whether both backends returned the same ids.
    private boolean sideBySide(Map<String, String> environment, DemoCorpus corpus) {
        Query query = Query.builder(corpus.questionAbout(7)).topK(5)
                .filter(Filter.fromJson("{\"lang\": \"en\", \"year\": {\"$gte\": 2020}}")).build();
        out.println("Query: the embedding of a question about topic 7, top-k 5, filter {\"lang\": \"en\", \"year\": {\"$gte\": 2020}}");
        List<List<Match>> answers = new ArrayList<>();
        for (String backend : List.of("pinecone", "pgvector")) {
            Map<String, String> config = new LinkedHashMap<>(environment);
            config.put("VECTOR_BACKEND", backend);
            try (VectorStore store = VectorStores.get(config)) {
                answers.add(store.query(query));
            }
        }
        out.printf("%-4s  %-22s %-9s  %-22s %-9s%n", "rank", "VECTOR_BACKEND=pinecone", "score", "VECTOR_BACKEND=pgvector", "score");
        for (int rank = 0; rank < Math.max(answers.get(0).size(), answers.get(1).size()); rank++) {
            out.printf("%-4d  %-22s %-9s  %-22s %-9s%n", rank + 1, id(answers.get(0), rank), score(answers.get(0), rank),
                    id(answers.get(1), rank), score(answers.get(1), rank));
        }
        boolean same = answers.get(0).stream().map(Match::id).toList().equals(answers.get(1).stream().map(Match::id).toList());
        out.println(same ? "Identical results." : "The results differ (approximate search); see the benchmark's recall figures.");
        return same;
    }

    private static String id(List<Match> matches, int rank) {
        return rank < matches.size() ? matches.get(rank).id() : "-";
    }

    private static String score(List<Match> matches, int rank) {
        return rank < matches.size() ? String.format("%.5f", matches.get(rank).score()) : "-";
    }
}
