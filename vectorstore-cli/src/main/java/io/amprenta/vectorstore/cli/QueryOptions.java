package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.cutover.BenchmarkQuery;
import io.amprenta.vectorstore.cutover.QuerySet;
import io.amprenta.vectorstore.cutover.QueryVectors;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.PgVectorTable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options {@code benchmark} and {@code calibrate} share: which queries, how many matches, where, which filter. */
final class QueryOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--queries", defaultValue = "100", description = "Number of query vectors (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--top-k", defaultValue = "10", description = "Matches per query, the k of recall@k (default: ${DEFAULT-VALUE}).")
    int topK;

    @ArgGroup(exclusive = true)
    Source source = new Source();

    static final class Source {
        @Option(names = "--use-db-vectors", description = {"Take the query vectors from embeddings stored in the pgvector table",
            "(benchmark's default); each query's own record is left out of every answer."})
        boolean useDbVectors;

        @Option(names = "--held-out", description = {"Derive query vectors from stored embeddings that are none of them: the",
            "midpoint of two records picked at random (calibrate's default)."})
        boolean heldOut;

        @Option(names = "--query-file", description = "Read the query vectors from this file: one per line, [0.1, ...] or 0.1 0.2 ...")
        Path queryFile;
    }

    @Option(names = "--namespace", description = "Namespace to query on both sides (default: each backend's configured namespace).")
    String namespace;

    @Option(names = "--filter", description = "A Pinecone filter every query carries, e.g. '{\"lang\": {\"$eq\": \"en\"}}'.")
    String filterJson;

    @Option(names = "--seed", defaultValue = "1", description = "Which stored vectors --use-db-vectors takes (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The filter, or null; a malformed one is a command-line error (exit 2). */
    Filter filter() {
        try {
            return filterJson == null ? null : Filter.fromJson(filterJson);
        } catch (InvalidFilterException e) {
            throw usage("--filter: " + e.getMessage());
        }
    }

    /** {@code store} in the namespace asked for, or as configured. */
    VectorStore scoped(VectorStore store) {
        return namespace == null ? store : store.inNamespace(namespace);
    }

    /**
     * The queries: vectors from the file, or derived from or sampled from the pgvector store's namespace, with top-k and
     * filter.
     *
     * @param heldOutByDefault whether, with no source option, the queries are held out ({@code --held-out}) rather than
     *     the stored vectors ({@code --use-db-vectors})
     */
    QuerySet querySet(VectorStore pgvector, boolean heldOutByDefault) {
        Filter filter = filter();
        List<BenchmarkQuery> loaded = load(pgvector, heldOut(heldOutByDefault));
        try {
            return new QuerySet(loaded, topK, filter);
        } catch (IllegalArgumentException e) {
            throw usage("--top-k: " + e.getMessage());
        }
    }

    private boolean heldOut(boolean byDefault) {
        return source.heldOut || (byDefault && !source.useDbVectors);
    }

    private List<BenchmarkQuery> load(VectorStore pgvector, boolean heldOut) {
        if (queries < 1) {
            throw usage("--queries must be at least 1, was " + queries);
        }
        if (source.queryFile == null) {
            return heldOut ? QueryVectors.heldOut(pgvector, queries, seed) : QueryVectors.fromStoredRecords(pgvector, queries, seed);
        }
        List<BenchmarkQuery> loaded;
        try {
            loaded = QueryVectors.fromFile(source.queryFile, queries);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw usage("--query-file: " + e.getMessage());
        }
        int dimension = loaded.get(0).vector().length;
        int stored = pgvector.unwrap(PgVectorTable.class).dimension();
        if (stored != dimension) {
            throw usage("--query-file: " + source.queryFile + " holds vectors of " + dimension + " values, but the pgvector table's"
                    + " have " + stored);
        }
        return loaded;
    }

    /** A command-line error (exit 2) of the command these options belong to. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Where the queries came from, for the report's header. */
    String describe(QuerySet loaded) {
        boolean heldOut = loaded.queries().stream().noneMatch(query -> query.source().isPresent());
        return String.format("%,d queries (%s), top-k %d%s", loaded.queries().size(), source.queryFile != null
                ? source.queryFile.toString() : (heldOut ? "held out from " : "") + "stored embeddings, seed " + seed, topK,
                filterJson == null ? "" : ", filter " + filterJson);
    }
}
