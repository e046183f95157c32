package io.amprenta.vectorstore.examples;

import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.PgVectorStore;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The pgvector backend on the application's own {@link DataSource} (its connection pool, its transactions'
 * database), configured in code instead of from the environment: prepare the schema, then use the store.
 *
 * <pre>JDBC_URL=jdbc:postgresql://localhost:5432/rag JDBC_USER=app JDBC_PASSWORD=... scripts/run-example PgVectorDataSourceExample</pre>
 */
public final class PgVectorDataSourceExample {

    private PgVectorDataSourceExample() {
    }

    public static void main(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();   // in an application: its HikariCP pool
        dataSource.setUrl(System.getenv("JDBC_URL"));
        dataSource.setUser(System.getenv("JDBC_USER"));
        dataSource.setPassword(System.getenv("JDBC_PASSWORD"));
        run(dataSource, System.out);
    }

    /** Prepares the table on {@code dataSource}, writes three chunks and runs a filtered query. */
    static List<Match> run(DataSource dataSource, PrintStream out) {
        PgVectorSettings settings = PgVectorSettings.builder()
                .table("example_chunks").dimension(3).metric(DistanceMetric.COSINE).embeddingModel("example-3d")
                .build();
        SchemaManager.create(dataSource, settings).upgrade();          // idempotent: safe at every start

        try (VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build()) {
            store.upsert(List.of(
                    VectorRecord.of("faq-1", new float[] {0.9f, 0.1f, 0f}, Map.of("source", "faq", "lang", "en")),
                    VectorRecord.of("faq-2", new float[] {0.8f, 0.2f, 0.1f}, Map.of("source", "faq", "lang", "de")),
                    VectorRecord.of("wiki-1", new float[] {0.7f, 0.3f, 0f}, Map.of("source", "wiki", "lang", "en"))));
            List<Match> matches = store.query(Query.builder(new float[] {1, 0, 0}).topK(3)
                    .filter(Filter.and(Filter.eq("lang", "en"), Filter.in("source", "faq", "wiki"))).build());
            matches.forEach(match -> out.printf("%s  %.4f  %s%n", match.id(), match.score(), match.metadata()));
            return matches;
        }
    }
}
