package io.amprenta.vectorstore.examples;

import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.filter.Filter;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The quickstart: a store from {@link VectorStores}, three records, and a filtered query. Runs on the
 * in-memory backend with no setup; set {@code VECTOR_BACKEND=pgvector} or {@code pinecone} (and their
 * settings) to run the same code against a real backend.
 *
 * <pre>scripts/run-example QuickstartExample</pre>
 */
public final class QuickstartExample {

    private QuickstartExample() {
    }

    public static void main(String[] args) {
        run(Map.of("VECTOR_BACKEND", "memory"), System.out);
    }

    /** Runs the example against the store {@code config} describes; returns the matches it printed. */
    static List<Match> run(Map<String, String> config, PrintStream out) {
        try (VectorStore store = VectorStores.get(config)) {
            store.upsert(List.of(
                    VectorRecord.of("film-1", new float[] {0.9f, 0.1f, 0.0f}, Map.of("genre", "drama", "year", 2019)),
                    VectorRecord.of("film-2", new float[] {0.8f, 0.3f, 0.1f}, Map.of("genre", "comedy", "year", 2021)),
                    VectorRecord.of("film-3", new float[] {0.7f, 0.2f, 0.2f}, Map.of("genre", "drama", "year", 2023))));

            Filter dramas = Filter.fromJson("{\"genre\": {\"$in\": [\"drama\"]}, \"year\": {\"$gte\": 2020}}");
            List<Match> matches = store.query(Query.builder(new float[] {1, 0, 0}).topK(5).filter(dramas).build());

            out.println("backend: " + store.backend());
            for (Match match : matches) {
                out.printf("%s  score=%.4f  %s%n", match.id(), match.score(), match.metadata());
            }
            return matches;
        }
    }
}
