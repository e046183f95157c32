package io.amprenta.vectorstore.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.migration.Migration;
import io.amprenta.vectorstore.migration.MigrationReport;
import io.amprenta.vectorstore.migration.PgVectorTarget;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A LangChain4j application's Pinecone index survives the move to pgvector: documents in the layout LangChain4j's
 * {@code PineconeEmbeddingStore} writes are copied by the project's migrator from the Pinecone emulator into pgvector,
 * and the same application code, switched by {@code VECTOR_BACKEND} alone, finds the same segments with the same text
 * and metadata.
 *
 * <p>The documents are not written by {@code langchain4j-pinecone} itself: it builds its client with
 * {@code new Pinecone.Builder(apiKey).build()} and connects through Pinecone's control plane at api.pinecone.io with
 * TLS, and offers no setting for another host, so it cannot reach the emulator. {@link #writeAsLangChain4jPinecone}
 * writes the same records it writes (namespace {@code default}; the text under {@code text_segment}; UUIDs as strings;
 * integers, longs, floats and doubles as doubles), through the project's Pinecone backend and the real pinecone-client.
 */
@ExtendWith(PostgresExtension.class)
class LangChain4jMigrationIT {

    private static final List<String> TEXTS = List.of(
            "The cat sat on the mat.", "Quarterly revenue grew by twelve percent.", "Rain is expected tomorrow afternoon.",
            "The new compiler release improves startup time.", "A recipe for lentil soup with cumin.",
            "Our office moves to the fifth floor in May.", "The museum opens a photography exhibition.",
            "Reset your password from the account settings page.");

    @Test
    void aLangChain4jIndexReadsTheSameAfterMigratingToPgvector(TestDatabase db) {
        PgVectorSettings table = PgVectorSettings.builder().table("lc4j_migrated").dimension(Models.DIMENSION)
                .metric(DistanceMetric.COSINE).build();
        SchemaManager.create(db.dataSource(), table).upgrade();

        try (PineconeEmulator emulator = Backends.pineconeEmulator()) {
            // One application configuration holding both backends' settings; only VECTOR_BACKEND changes.
            Map<String, String> config = new HashMap<>(emulator.hostConfig());
            config.putAll(db.config());
            config.put("PGVECTOR_TABLE", "lc4j_migrated");
            config.put("PGVECTOR_POOL_SIZE", "2");

            Map<String, TextSegment> written = writeAsLangChain4jPinecone(config);

            List<List<EmbeddingMatch<TextSegment>>> beforeResults;
            try (VectorStore pinecone = VectorStores.get(with(config, "pinecone"))) {
                beforeResults = application(pinecone);
            }
            assertSegmentsAsWritten(beforeResults, written);

            try (VectorStore source = VectorStores.get(with(config, "pinecone"));
                 VectorStore target = VectorStores.get(with(config, "pgvector"))) {
                MigrationReport report = Migration.builder(source, PgVectorTarget.of(target)).batchSize(3).workers(2).build().run();
                assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            }

            List<List<EmbeddingMatch<TextSegment>>> afterResults;
            try (VectorStore pgvector = VectorStores.get(with(config, "pgvector"))) {
                assertThat(pgvector.backend()).isEqualTo("pgvector");
                afterResults = application(pgvector);
            }
            assertSegmentsAsWritten(afterResults, written);
            assertThat(ids(afterResults)).isEqualTo(ids(beforeResults));
            for (int q = 0; q < afterResults.size(); q++) {
                for (int i = 0; i < afterResults.get(q).size(); i++) {
                    EmbeddingMatch<TextSegment> after = afterResults.get(q).get(i);
                    EmbeddingMatch<TextSegment> before = beforeResults.get(q).get(i);
                    assertThat(after.embedded()).isEqualTo(before.embedded());
                    assertThat(after.score()).isEqualTo(before.score());
                    assertThat(after.embedding()).isEqualTo(before.embedding());
                }
            }
        }
    }

    /** The application's code: the same on both backends. */
    private static List<List<EmbeddingMatch<TextSegment>>> application(VectorStore store) {
        EmbeddingStore<TextSegment> embeddingStore = VectorStoreEmbeddingStore.builder(store).build();
        List<List<EmbeddingMatch<TextSegment>>> results = new ArrayList<>();
        for (Filter filter : new Filter[] {null, metadataKey("year").isGreaterThanOrEqualTo(2022),
                metadataKey("source").isIn("wiki", "faq").and(metadataKey("rank").isLessThan(5L))}) {
            results.add(embeddingStore.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Models.miniLm().embed("What will the weather be like?").content())
                    .filter(filter).maxResults(TEXTS.size()).build()).matches());
        }
        assertThat(results.get(0)).hasSize(TEXTS.size());
        assertThat(results.get(0).get(0).embedded().text()).isEqualTo("Rain is expected tomorrow afternoon.");
        assertThat(results.get(1)).isNotEmpty().allSatisfy(m -> assertThat(m.embedded().metadata().getInteger("year")).isGreaterThanOrEqualTo(2022));
        assertThat(results.get(2)).isNotEmpty().allSatisfy(m -> assertThat(m.embedded().metadata().getLong("rank")).isLessThan(5L));
        return results;
    }

    /** Records as langchain4j-pinecone 1.x writes them, through the Pinecone backend into the emulator. */
    private static Map<String, TextSegment> writeAsLangChain4jPinecone(Map<String, String> config) {
        Map<String, TextSegment> segments = new LinkedHashMap<>();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            String id = UUID.randomUUID().toString();
            UUID author = UUID.nameUUIDFromBytes(("author" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            dev.langchain4j.data.document.Metadata metadata = new dev.langchain4j.data.document.Metadata()
                    .put("source", i % 2 == 0 ? "wiki" : "faq").put("year", 2019 + i).put("rank", (long) i)
                    .put("weight", 0.25f * i).put("author", author);
            segments.put(id, TextSegment.from(TEXTS.get(i), metadata));
            Map<String, Object> struct = new LinkedHashMap<>();
            struct.put("text_segment", TEXTS.get(i));
            struct.put("source", i % 2 == 0 ? "wiki" : "faq");
            struct.put("year", (double) (2019 + i));
            struct.put("rank", (double) i);
            struct.put("weight", (double) (0.25f * i));
            struct.put("author", author.toString());
            Embedding embedding = Models.miniLm().embed(TEXTS.get(i)).content();
            records.add(VectorRecord.of(id, embedding.vector(), struct));
        }
        try (VectorStore pinecone = VectorStores.get(with(config, "pinecone"))) {
            pinecone.inNamespace("default").upsert(records);
        }
        return segments;
    }

    private static void assertSegmentsAsWritten(List<List<EmbeddingMatch<TextSegment>>> results, Map<String, TextSegment> written) {
        for (List<EmbeddingMatch<TextSegment>> matches : results) {
            for (EmbeddingMatch<TextSegment> match : matches) {
                TextSegment expected = written.get(match.embeddingId());
                TextSegment actual = match.embedded();
                assertThat(actual.text()).isEqualTo(expected.text());
                assertThat(actual.metadata().getString("source")).isEqualTo(expected.metadata().getString("source"));
                assertThat(actual.metadata().getInteger("year")).isEqualTo(expected.metadata().getInteger("year"));
                assertThat(actual.metadata().getLong("rank")).isEqualTo(expected.metadata().getLong("rank"));
                assertThat(actual.metadata().getFloat("weight")).isEqualTo(expected.metadata().getFloat("weight"));
                assertThat(actual.metadata().getUUID("author")).isEqualTo(expected.metadata().getUUID("author"));
                assertThat(actual.metadata().toMap()).hasSameSizeAs(expected.metadata().toMap());
            }
        }
    }

    private static List<List<String>> ids(List<List<EmbeddingMatch<TextSegment>>> results) {
        return results.stream().map(matches -> matches.stream().map(EmbeddingMatch::embeddingId).toList()).toList();
    }

    private static Map<String, String> with(Map<String, String> config, String backend) {
        Map<String, String> copy = new HashMap<>(config);
        copy.put("VECTOR_BACKEND", backend);
        return copy;
    }
}
