package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.SparseValues;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.cutover.QueryVectors;
import io.amprenta.vectorstore.filter.Filter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vectorstore query}: one query (a dense vector or a stored record's id, an optional sparse vector, top-k,
 * filter, score threshold) against the backend the configuration names, printing the matches with every part.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Run one query and show the matches with their scores, values, sparse values and metadata.")
final class QueryCommand implements Callable<Integer> {

    @ParentCommand
    private VectorstoreCli cli;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;

    static final class Target {
        @Option(names = "--vector", description = "The dense query vector: [0.1, 0.2, ...] or 0.1,0.2,...")
        String vector;

        @Option(names = "--id", description = "Query with the dense values of this stored record instead (Pinecone's query by id).")
        String id;
    }

    @Option(names = "--sparse", description = "A sparse vector for a hybrid query (dotproduct stores): '{\"indices\": [3, 17], \"values\": [0.5, 1.2]}'.")
    private String sparseJson;

    @Option(names = "--top-k", defaultValue = "10", description = "How many matches (default: ${DEFAULT-VALUE}).")
    private int topK;

    @Option(names = "--filter", description = "A Pinecone filter, e.g. '{\"lang\": {\"$eq\": \"en\"}}'.")
    private String filterJson;

    @Option(names = "--score-threshold", description = "Only matches at least this good: score >= X (cosine, dotproduct) or <= X (euclidean).")
    private Double scoreThreshold;

    @Option(names = "--backend", description = "Backend to query (default: VECTOR_BACKEND, else pinecone).")
    private String backend;

    @Option(names = "--namespace", description = "Namespace to query (default: the backend's configured namespace).")
    private String namespace;

    @Option(names = "--json", description = "Print the matches as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        UnaryOperator<Query.Builder> options = options();
        Output output = cli.output(json);
        try (VectorStore opened = cli.store(backend)) {
            VectorStore store = namespace == null ? opened : opened.inNamespace(namespace);
            List<Match> matches = target.id != null
                    ? store.queryById(target.id, options)
                    : store.query(options.apply(Query.builder(vector())).build());
            List<RecordRows.Row> rows = matches.stream().map(RecordRows::of).toList();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("namespace", store.namespace());
            result.put("matches", rows);
            output.result(result);
            RecordRows.table(output, rows, true);
            return ExitCode.OK;
        } catch (InvalidRequestException e) {
            throw usage(e.getMessage(), e);
        }
    }

    // Parsed before the store opens, so that a typo costs no connection.
    private UnaryOperator<Query.Builder> options() {
        Filter filter = parse("--filter", filterJson, Filter::fromJson);
        SparseValues sparse = parse("--sparse", sparseJson, RecordRows.Sparse::parse);
        return builder -> builder.topK(topK).filter(filter).sparseVector(sparse).scoreThreshold(scoreThreshold)
                .includeMetadata(true).includeValues(true);
    }

    private float[] vector() {
        return parse("--vector", target.vector, QueryVectors::parse);
    }

    private <T> T parse(String option, String text, Function<String, T> parser) {
        if (text == null) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException | InvalidFilterException e) {
            throw usage(option + ": " + e.getMessage(), e);
        }
    }

    private ParameterException usage(String message, Exception cause) {
        return new ParameterException(spec.commandLine(), message, cause);
    }
}
