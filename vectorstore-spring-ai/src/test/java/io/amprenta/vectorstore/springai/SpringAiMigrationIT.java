package io.amprenta.vectorstore.springai;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/**
 * A Spring AI application's Pinecone index survives the move to pgvector: documents in the layout Spring AI's
 * {@code PineconeVectorStore} writes are copied by the project's migrator from the Pinecone emulator into pgvector, and
 * the same application code, switched by {@code VECTOR_BACKEND} alone, finds the same documents with the same text and
 * metadata.
 *
 * <p>The documents are not written by {@code spring-ai-pinecone-store} itself: it creates its client with
 * {@code new Pinecone.Builder(apiKey).build()} and resolves the index through Pinecone's control plane at
 * api.pinecone.io with TLS, with no setting for another host, so it cannot reach the emulator.
 * {@link #writeAsSpringAiPinecone} writes the records it writes (namespace {@code ""}; the document id; its metadata
 * as JSON turned into a protobuf Struct, so integers become doubles; the text under {@code document_content}), through
 * the project's Pinecone backend and the real pinecone-client.
 */
@ExtendWith(PostgresExtension.class)
class SpringAiMigrationIT {

    private static final List<String> TEXTS = List.of(
            "The cat sat on the mat.", "Quarterly revenue grew by twelve percent.", "Rain is expected tomorrow afternoon.",
            "The new compiler release improves startup time.", "A recipe for lentil soup with cumin.",
            "Our office moves to the fifth floor in May.", "A storm with heavy rain reaches the coast.");

    @Test
    void aSpringAiIndexReadsTheSameAfterMigratingToPgvector(TestDatabase db) {
        SchemaManager.create(db.dataSource(), PgVectorSettings.builder().table("spring_ai_migrated")
                .dimension(MiniLmEmbeddingModel.DIMENSION).metric(DistanceMetric.COSINE).build()).upgrade();
        try (PineconeEmulator emulator = Backends.pineconeEmulator()) {
            Map<String, String> config = new HashMap<>(emulator.hostConfig());
            config.putAll(db.config());
            config.put("PGVECTOR_TABLE", "spring_ai_migrated");
            config.put("PGVECTOR_POOL_SIZE", "2");

            Map<String, Document> written = writeAsSpringAiPinecone(config);

            List<List<Document>> before;
            try (VectorStore pinecone = VectorStores.get(with(config, "pinecone"))) {
                before = application(pinecone);
            }
            try (VectorStore source = VectorStores.get(with(config, "pinecone"));
                 VectorStore target = VectorStores.get(with(config, "pgvector"))) {
                MigrationReport report = Migration.builder(source, PgVectorTarget.of(target)).batchSize(2).workers(2).build().run();
                assertThat(report.outcome()).as(report.message()).isEqualTo(MigrationReport.Outcome.COMPLETED);
            }
            List<List<Document>> after;
            try (VectorStore pgvector = VectorStores.get(with(config, "pgvector"))) {
                assertThat(pgvector.backend()).isEqualTo("pgvector");
                after = application(pgvector);
            }

            for (List<List<Document>> results : List.of(before, after)) {
                for (List<Document> documents : results) {
                    for (Document document : documents) {
                        Document original = written.get(document.getId());
                        assertThat(document.getText()).isEqualTo(original.getText());
                        Map<String, Object> metadata = new HashMap<>(document.getMetadata());
                        assertThat(metadata.remove("distance")).isInstanceOf(Double.class);
                        // What Spring AI's Pinecone store returns: JSON numbers come back as doubles.
                        assertThat(metadata).isEqualTo(Map.of("source", original.getMetadata().get("source"),
                                "year", ((Integer) original.getMetadata().get("year")).doubleValue(),
                                "reviewed", original.getMetadata().get("reviewed"), "tags", original.getMetadata().get("tags")));
                    }
                }
            }
            assertThat(ids(after)).isEqualTo(ids(before));
            for (int q = 0; q < after.size(); q++) {
                for (int i = 0; i < after.get(q).size(); i++) {
                    assertThat(after.get(q).get(i).getScore()).isCloseTo(before.get(q).get(i).getScore(),
                            org.assertj.core.data.Offset.offset(1e-5));
                    assertThat(withoutDistance(after.get(q).get(i))).isEqualTo(withoutDistance(before.get(q).get(i)));
                }
            }
        }
    }

    /** The application's code: the same on both backends. */
    private static List<List<Document>> application(VectorStore store) {
        org.springframework.ai.vectorstore.VectorStore vectorStore =
                SpringAiVectorStore.builder(store, MiniLmEmbeddingModel.get()).build();
        List<List<Document>> results = new ArrayList<>();
        for (String filter : new String[] {null, "year >= 2022", "source in ['wiki', 'faq'] && reviewed == true"}) {
            SearchRequest.Builder request = SearchRequest.builder().query("Will it rain tomorrow?").topK(TEXTS.size());
            if (filter != null) {
                request.filterExpression(filter);
            }
            results.add(vectorStore.similaritySearch(request.build()));
        }
        assertThat(results.get(0)).hasSize(TEXTS.size());
        assertThat(results.get(0).get(0).getText()).isEqualTo("Rain is expected tomorrow afternoon.");
        assertThat(results.get(1)).isNotEmpty().allSatisfy(d -> assertThat((Double) d.getMetadata().get("year")).isGreaterThanOrEqualTo(2022));
        assertThat(results.get(2)).isNotEmpty().allSatisfy(d -> assertThat(d.getMetadata().get("reviewed")).isEqualTo(true));
        return results;
    }

    /** Records as spring-ai-pinecone-store 1.1 writes them, through the Pinecone backend into the emulator. */
    private static Map<String, Document> writeAsSpringAiPinecone(Map<String, String> config) {
        Map<String, Document> documents = new LinkedHashMap<>();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            Map<String, Object> metadata = Map.of("source", i % 2 == 0 ? "wiki" : "faq", "year", 2019 + i,
                    "reviewed", i % 3 != 0, "tags", List.of("t" + i, "all"));
            Document document = new Document(UUID.randomUUID().toString(), TEXTS.get(i), metadata);
            documents.put(document.getId(), document);
            Map<String, Object> struct = new LinkedHashMap<>();
            struct.put("source", metadata.get("source"));
            struct.put("year", (double) (2019 + i));
            struct.put("reviewed", metadata.get("reviewed"));
            struct.put("tags", metadata.get("tags"));
            struct.put("document_content", TEXTS.get(i));
            records.add(VectorRecord.of(document.getId(), MiniLmEmbeddingModel.get().embed(TEXTS.get(i)), struct));
        }
        try (VectorStore pinecone = VectorStores.get(with(config, "pinecone"))) {
            pinecone.upsert(records);
        }
        return documents;
    }

    private static Map<String, Object> withoutDistance(Document document) {
        Map<String, Object> metadata = new HashMap<>(document.getMetadata());
        metadata.remove("distance");
        return metadata;
    }

    private static List<List<String>> ids(List<List<Document>> results) {
        return results.stream().map(documents -> documents.stream().map(Document::getId).toList()).toList();
    }

    private static Map<String, String> with(Map<String, String> config, String backend) {
        Map<String, String> copy = new HashMap<>(config);
        copy.put("VECTOR_BACKEND", backend);
        return copy;
    }
}
