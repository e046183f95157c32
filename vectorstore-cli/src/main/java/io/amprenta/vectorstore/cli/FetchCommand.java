package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.InvalidFilterException;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.RecordPage;
import io.amprenta.vectorstore.RecordPageRequest;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vectorstore fetch}: records by id, or a page of records by metadata filter, with every part (dense values,
 * sparse values, metadata), from the backend the configuration names: how an operator checks that a chunk is really
 * there, whole, after a move.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Show records by id, or the records whose metadata matches --filter, with all their parts.",
                "Exit code 0 when every id was found, 4 when some were not."})
final class FetchCommand implements Callable<Integer> {

    @ParentCommand
    private VectorstoreCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Ids of the records to show.")
    private List<String> ids = List.of();

    @Option(names = "--filter", description = "Instead of ids: a Pinecone filter, e.g. '{\"doc\": {\"$eq\": \"a.pdf\"}}'.")
    private String filterJson;

    @Option(names = "--limit", defaultValue = "100", description = "With --filter: records per page (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--cursor", description = "With --filter: continue after the page whose next cursor this is.")
    private String cursor;

    @Option(names = "--backend", description = "Backend to read (default: VECTOR_BACKEND, else pinecone).")
    private String backend;

    @Option(names = "--namespace", description = "Namespace to read (default: the backend's configured namespace).")
    private String namespace;

    @Option(names = "--json", description = "Print the records as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        if (ids.isEmpty() == (filterJson == null)) {
            throw new ParameterException(spec.commandLine(), "Give either ids or --filter.");
        }
        Output output = cli.output(json);
        try (VectorStore opened = cli.store(backend)) {
            VectorStore store = namespace == null ? opened : opened.inNamespace(namespace);
            return filterJson == null ? byIds(store, output) : byFilter(store, output);
        } catch (InvalidRequestException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private int byIds(VectorStore store, Output output) {
        Map<String, VectorRecord> found = store.fetch(ids);
        List<String> missing = ids.stream().distinct().filter(id -> !found.containsKey(id)).toList();
        List<RecordRows.Row> rows = found.values().stream().map(RecordRows::of).toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("namespace", store.namespace());
        result.put("records", rows);
        result.put("missing", missing);
        output.result(result);
        RecordRows.table(output, rows, false);
        missing.forEach(id -> output.line("not found: " + id));
        return missing.isEmpty() ? ExitCode.OK : ExitCode.FINDINGS;
    }

    private int byFilter(VectorStore store, Output output) {
        Filter filter;
        try {
            filter = Filter.fromJson(filterJson);
        } catch (InvalidFilterException e) {
            throw new ParameterException(spec.commandLine(), "--filter: " + e.getMessage(), e);
        }
        RecordPage page = store.fetchByFilter(new RecordPageRequest(filter, limit, cursor));
        List<RecordRows.Row> rows = page.records().stream().map(RecordRows::of).toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("namespace", store.namespace());
        result.put("records", rows);
        result.put("nextCursor", page.nextCursor());
        output.result(result);
        RecordRows.table(output, rows, false);
        if (page.hasMore()) {
            output.line("more: --cursor " + page.nextCursor());
        }
        return ExitCode.OK;
    }
}
