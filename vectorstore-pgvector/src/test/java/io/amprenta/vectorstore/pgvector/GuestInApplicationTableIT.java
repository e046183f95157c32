package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.IdPage;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.InvalidRequestException;
import io.amprenta.vectorstore.Match;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The library as a guest in a table the application owns: its metadata in a column of its own (and the upgrade of
 * tables earlier versions made), the application's vector index adopted by definition rather than duplicated, and
 * reads that survive rows the application wrote with metadata outside Pinecone's model.
 */
@ExtendWith(PostgresExtension.class)
class GuestInApplicationTableIT {

    private static final int DIMENSION = 4;
    private static final String APP_COLUMNS = "SELECT id, content, metadata::text FROM %s ORDER BY id";

    private final DataSource dataSource;

    GuestInApplicationTableIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    private static PgVectorSettings settings(String table) {
        return PgVectorSettings.builder().table(table).dimension(DIMENSION).copyThreshold(3).build();
    }

    private SchemaManager manager(String table) {
        return SchemaManager.create(dataSource, settings(table));
    }

    private VectorStore store(String table) {
        return PgVectorStore.builder().dataSource(dataSource).settings(settings(table)).build();
    }

    private long vectorIndexes(String table) {
        return Sql.count(dataSource, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = '" + table + "'::regclass AND am.amname = 'hnsw'");
    }

    /** The seed's table: the application's metadata column, its own embedding column and HNSW index. */
    private void applicationTable(String table) {
        Sql.execute(dataSource, "CREATE TABLE " + table + " (id text PRIMARY KEY, content text NOT NULL,"
                        + " metadata jsonb NOT NULL DEFAULT '{}', embedding vector(" + DIMENSION + "), embedding_model text)",
                "CREATE INDEX ix_" + table + "_embedding_hnsw ON " + table + " USING hnsw (embedding vector_cosine_ops)"
                        + " WITH (m = 8, ef_construction = 32)",
                "INSERT INTO " + table + " (id, content, metadata) SELECT 'c' || i, 'chunk ' || i,"
                        + " jsonb_build_object('lang', 'en', 'page', i, 'ingested_by', 'alembic')"
                        + " FROM generate_series(1, 6) i");
    }

    @Test
    void theApplicationsMetadataAndIndexAreNeverTouchedAndNeverDuplicated() {
        applicationTable("app_guest");
        List<String> before = Sql.rows(dataSource, APP_COLUMNS.formatted("app_guest"));

        SchemaStatus beforeUpgrade = manager("app_guest").status();
        assertThat(beforeUpgrade.dimension()).as(beforeUpgrade.describe()).hasValue(DIMENSION);
        assertThat(beforeUpgrade.vectorIndex()).as(beforeUpgrade.describe())
                .hasValueSatisfying(index -> assertThat(index.name()).isEqualTo("ix_app_guest_embedding_hnsw"));

        manager("app_guest").upgrade();
        assertThat(vectorIndexes("app_guest")).isEqualTo(1);
        assertThat(manager("app_guest").status().vectorIndex()).hasValueSatisfying(index ->
                assertThat(index.name()).isEqualTo("ix_app_guest_embedding_hnsw"));
        assertThat(manager("app_guest").status().isCurrent()).isTrue();
        manager("app_guest").upgrade();
        assertThat(vectorIndexes("app_guest")).isEqualTo(1);

        try (VectorStore store = store("app_guest")) {
            store.upsert(List.of(VectorRecord.of("c1", TestData.unit(DIMENSION, 0), Map.of("genre", "drama")),
                    VectorRecord.of("c2", TestData.unit(DIMENSION, 1), Map.of("genre", "comedy"))));
            store.upsert(List.of(VectorRecord.of("c3", TestData.unit(DIMENSION, 2), Map.of("genre", "drama")),
                    VectorRecord.of("c4", TestData.unit(DIMENSION, 3), Map.of("genre", "drama")),
                    VectorRecord.of("c5", TestData.unit(DIMENSION, 0), Map.of("genre", "news"))));
            assertThat(Sql.rows(dataSource, APP_COLUMNS.formatted("app_guest"))).isEqualTo(before);
            assertThat(store.fetch(List.of("c1")).get("c1").metadata()).isEqualTo(Map.of("genre", "drama"));
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10)
                    .filter(Filter.eq("genre", "drama")).build())).extracting(Match::id).containsExactlyInAnyOrder("c1", "c3", "c4");
            // The application's keys are not the records' metadata: filters never see them.
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10)
                    .filter(Filter.eq("lang", "en")).build())).isEmpty();

            store.delete(List.of("c1"));
            store.deleteByFilter(Filter.eq("genre", "comedy"));
            assertThat(store.stats().count("")).isEqualTo(3);
            assertThat(Sql.rows(dataSource, APP_COLUMNS.formatted("app_guest"))).isEqualTo(before);
        }

        manager("app_guest").downgrade(DowngradeOptions.toNothing().backupTo("app_guest_saved"));
        assertThat(Sql.rows(dataSource, APP_COLUMNS.formatted("app_guest"))).isEqualTo(before);
        assertThat(vectorIndexes("app_guest")).as("the application's index stays").isEqualTo(1);

        manager("app_guest").upgrade();
        manager("app_guest").restore("app_guest_saved");
        assertThat(Sql.rows(dataSource, APP_COLUMNS.formatted("app_guest"))).isEqualTo(before);
        assertThat(vectorIndexes("app_guest")).isEqualTo(1);
        try (VectorStore store = store("app_guest")) {
            assertThat(store.fetch(List.of("c3")).get("c3").metadata()).isEqualTo(Map.of("genre", "drama"));
        }
    }

    @Test
    void deferringTheIndexDropsAndRebuildsTheApplicationsOwnAsItWas() {
        applicationTable("app_defer");
        manager("app_defer").upgrade();
        String definition = Sql.value(dataSource, "SELECT pg_get_indexdef('ix_app_defer_embedding_hnsw'::regclass)");
        try (VectorStore store = store("app_defer")) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);

            assertThat(table.dropVectorIndex()).isTrue();
            assertThat(vectorIndexes("app_defer")).isZero();
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM vectorstore_deferred_index")).isEqualTo(1);
            // A second drop, as a resumed migration does, finds nothing and forgets nothing.
            assertThat(table.dropVectorIndex()).isFalse();
            // An upgrade meanwhile (a deploy running it at start-up) leaves the index to the migration's rebuild.
            manager("app_defer").upgrade();
            assertThat(vectorIndexes("app_defer")).isZero();
            store.upsert(List.of(VectorRecord.of("c1", TestData.unit(DIMENSION, 0))));

            table.buildVectorIndex(IndexBuildOptions.defaults());
            assertThat(vectorIndexes("app_defer")).isEqualTo(1);
            assertThat(Sql.value(dataSource, "SELECT pg_get_indexdef('ix_app_defer_embedding_hnsw'::regclass)"))
                    .isEqualTo(definition);
            assertThat(Sql.count(dataSource, "SELECT count(*) FROM vectorstore_deferred_index")).isZero();
            table.buildVectorIndex(IndexBuildOptions.defaults());
            assertThat(vectorIndexes("app_defer")).isEqualTo(1);
        }
    }

    @Test
    void aTableOfAnEarlierVersionWhoseMetadataColumnTheLibraryAddedIsRenamed() {
        // What versions 1 and 2 made: the library's marked metadata column and its GIN index.
        Sql.execute(dataSource, "CREATE TABLE legacy_owned (id text PRIMARY KEY, content text)",
                "INSERT INTO legacy_owned VALUES ('a', 'first'), ('b', 'second')");
        PgVectorSettings legacy = settings("legacy_owned").toBuilder().metadataColumn("metadata").build();
        SchemaManager.create(dataSource, legacy).upgrade();
        Sql.execute(dataSource, "COMMENT ON COLUMN legacy_owned.metadata IS 'vectorstore: added by schema upgrade'",
                "DELETE FROM vectorstore_schema_version WHERE table_name = 'legacy_owned' AND version >= 3",
                "UPDATE legacy_owned SET embedding = '[1,0,0,0]', metadata = '{\"genre\": \"drama\"}' WHERE id = 'a'");

        SchemaChange change = manager("legacy_owned").upgrade();

        assertThat(change.fromVersion()).isEqualTo(2);
        assertThat(Sql.rows(dataSource, "SELECT id, content, vectorstore_metadata::text FROM legacy_owned ORDER BY id"))
                .containsExactly("a|first|{\"genre\": \"drama\"}", "b|second|{}");
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'legacy_owned'::regclass"
                + " AND attname = 'metadata' AND NOT attisdropped")).isZero();
        assertThat(Sql.value(dataSource, "SELECT pg_get_indexdef('legacy_owned_metadata_gin'::regclass)"))
                .contains("vectorstore_metadata");
        try (VectorStore store = store("legacy_owned")) {
            assertThat(store.fetch(List.of("a")).get("a").metadata()).isEqualTo(Map.of("genre", "drama"));
        }
    }

    @Test
    void aTableOfAnEarlierVersionIsBackedUpAndRestoredWithItsMetadata() {
        Sql.execute(dataSource, "CREATE TABLE legacy_backup (id text PRIMARY KEY, content text)",
                "INSERT INTO legacy_backup VALUES ('a', 'first'), ('b', 'second')");
        PgVectorSettings legacy = settings("legacy_backup").toBuilder().metadataColumn("metadata").build();
        SchemaManager.create(dataSource, legacy).upgrade();
        Sql.execute(dataSource, "DELETE FROM vectorstore_schema_version WHERE table_name = 'legacy_backup' AND version >= 3",
                "UPDATE legacy_backup SET embedding = '[1,0,0,0]', metadata = '{\"genre\": \"drama\"}' WHERE id = 'a'");

        manager("legacy_backup").downgrade(DowngradeOptions.toNothing().backupTo("legacy_saved"));
        assertThat(Sql.rows(dataSource, "SELECT id, vectorstore_metadata::text FROM legacy_saved"))
                .containsExactly("a|{\"genre\": \"drama\"}");
        assertThat(Sql.rows(dataSource, "SELECT * FROM legacy_backup ORDER BY id")).containsExactly("a|first", "b|second");

        manager("legacy_backup").upgrade();
        manager("legacy_backup").restore("legacy_saved");
        try (VectorStore store = store("legacy_backup")) {
            assertThat(store.fetch(List.of("a")).get("a").metadata()).isEqualTo(Map.of("genre", "drama"));
        }
    }

    @Test
    void aTableOfAnEarlierVersionThatAdoptedTheApplicationsMetadataGetsItsOwnColumn() {
        applicationTable("legacy_adopted");
        // Versions 1 and 2 wrote record metadata into the application's column and indexed it.
        PgVectorSettings legacy = settings("legacy_adopted").toBuilder().metadataColumn("metadata").build();
        SchemaManager.create(dataSource, legacy).upgrade();
        Sql.execute(dataSource, "UPDATE vectorstore_schema_version SET applied_at = now() - interval '1 day'"
                        + " WHERE table_name = 'legacy_adopted'",
                "DELETE FROM vectorstore_schema_version WHERE table_name = 'legacy_adopted' AND version >= 3",
                "UPDATE legacy_adopted SET embedding = '[1,0,0,0]', metadata = '{\"genre\": \"drama\"}' WHERE id = 'c1'");
        List<String> before = Sql.rows(dataSource, APP_COLUMNS.formatted("legacy_adopted"));

        manager("legacy_adopted").upgrade();

        assertThat(Sql.rows(dataSource, APP_COLUMNS.formatted("legacy_adopted"))).isEqualTo(before);
        assertThat(Sql.rows(dataSource, "SELECT id, vectorstore_metadata::text FROM legacy_adopted WHERE id IN ('c1', 'c2')"
                + " ORDER BY id")).containsExactly("c1|{\"genre\": \"drama\"}", "c2|{}");
        assertThat(Sql.value(dataSource, "SELECT pg_get_indexdef('legacy_adopted_metadata_gin'::regclass)"))
                .contains("vectorstore_metadata");
        try (VectorStore store = store("legacy_adopted")) {
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(5)
                    .filter(Filter.eq("genre", "drama")).build())).extracting(Match::id).containsExactly("c1");
            store.delete(List.of("c1"));
        }
        assertThat(Sql.rows(dataSource, APP_COLUMNS.formatted("legacy_adopted"))).isEqualTo(before);
    }

    @Test
    void rowsWithMetadataOutsidePineconesModelNeverBreakAReadOfOthers() {
        Sql.execute(dataSource, "CREATE TABLE foreign_rows (id text PRIMARY KEY)");
        manager("foreign_rows").upgrade();
        String huge = "x".repeat(100_000);
        Sql.execute(dataSource, "INSERT INTO foreign_rows (id, embedding, vectorstore_metadata) VALUES"
                + " ('nested', '[1,0,0,0]', '{\"doc\": {\"page\": 3, \"tags\": [\"a\"]}, \"ok\": \"yes\"}'),"
                + " ('numbers', '[0.9,0.1,0,0]', '{\"scores\": [1, 2.5, 3], \"ok\": \"yes\"}'),"
                + " ('nulls', '[0.8,0.2,0,0]', '{\"missing\": null, \"mixed\": [\"a\", null], \"ok\": \"yes\"}'),"
                + " ('huge', '[0.7,0.3,0,0]', '{\"text\": \"" + huge + "\", \"big\": 1e400}'),"
                + " ('array', '[0.6,0.4,0,0]', '[1, 2]'),"
                + " ('plain', '[0.5,0.5,0,0]', '{\"ok\": \"yes\"}')");
        long convertedBefore = StoredMetadata.converted();
        try (VectorStore store = store("foreign_rows")) {
            Map<String, VectorRecord> fetched = store.fetch(List.of("nested", "numbers", "nulls", "huge", "array", "plain"));

            assertThat(fetched).hasSize(6);
            assertThat(fetched.get("nested").metadata())
                    .isEqualTo(Map.of("doc", "{\"page\":3,\"tags\":[\"a\"]}", "ok", "yes"));
            assertThat(fetched.get("numbers").metadata()).isEqualTo(Map.of("scores", "[1,2.5,3]", "ok", "yes"));
            assertThat(fetched.get("nulls").metadata()).isEqualTo(Map.of("mixed", "[\"a\",null]", "ok", "yes"));
            assertThat(fetched.get("huge").metadata()).containsEntry("text", huge).containsKey("big");
            assertThat(fetched.get("array").metadata()).isEmpty();
            assertThat(fetched.get("plain").metadata()).isEqualTo(Map.of("ok", "yes"));
            assertThat(StoredMetadata.converted() - convertedBefore).isEqualTo(6);

            List<Match> matches = store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10).build());
            assertThat(matches).extracting(Match::id).containsExactly("nested", "numbers", "nulls", "huge", "array", "plain");
            assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 0)).topK(10)
                    .filter(Filter.eq("ok", "yes")).build())).hasSize(4);
        }
    }

    @Test
    void uuidAndIntegerIdColumnsWorkWhenTheIdsParse() {
        for (String type : List.of("uuid", "bigint", "integer")) {
            String table = "typed_" + type;
            Sql.execute(dataSource, "CREATE TABLE " + table + " (id " + type + " PRIMARY KEY, content text)");
            manager(table).upgrade();
            List<String> ids = type.equals("uuid")
                    ? List.of("0b7e5c3a-9d1f-4c2e-8a6b-1f2e3d4c5b6a", "1c8f6d4b-0e2a-4d3f-9b7c-2a3f4e5d6c7b",
                            "2d907e5c-1f3b-4e40-8c8d-3b405f6e7d8c", "3ea18f6d-204c-4f51-9d9e-4c51607f8e9d")
                    : List.of("-7", "0", "42", "9000");
            try (VectorStore store = store(table)) {
                store.upsert(List.of(VectorRecord.of(ids.get(0), TestData.unit(DIMENSION, 0), Map.of("k", "a"))));
                store.upsert(List.of(VectorRecord.of(ids.get(1), TestData.unit(DIMENSION, 1)),
                        VectorRecord.of(ids.get(2), TestData.unit(DIMENSION, 2)),
                        VectorRecord.of(ids.get(3), TestData.unit(DIMENSION, 3)),
                        VectorRecord.of(ids.get(0), TestData.unit(DIMENSION, 0), Map.of("k", "b"))));

                assertThat(store.fetch(List.of(ids.get(0), "not-an-id")).keySet()).as(type).containsExactly(ids.get(0));
                assertThat(store.fetch(List.of(ids.get(0))).get(ids.get(0)).metadata()).isEqualTo(Map.of("k", "b"));
                assertThat(store.query(Query.builder(TestData.unit(DIMENSION, 2)).topK(1).build()).get(0).id())
                        .isEqualTo(ids.get(2));
                IdPage first = store.listIds(IdPageRequest.first(3));
                IdPage second = store.listIds(first.next().orElseThrow());
                List<String> listed = new java.util.ArrayList<>(first.ids());
                listed.addAll(second.ids());
                assertThat(listed).as(type).containsExactlyInAnyOrderElementsOf(ids);

                String bad = type.equals("uuid") ? "chunk-1" : "007";
                assertThatThrownBy(() -> store.upsert(List.of(VectorRecord.of(ids.get(1), TestData.unit(DIMENSION, 3)),
                        VectorRecord.of(bad, TestData.unit(DIMENSION, 3)))))
                        .isInstanceOfSatisfying(InvalidRequestException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ID))
                        .hasMessageContaining(bad);
                assertThat(store.fetch(List.of(ids.get(1))).get(ids.get(1)).values())
                        .containsExactly(TestData.unit(DIMENSION, 1));

                store.delete(List.of(ids.get(3), "not-an-id"));
                assertThat(store.stats().count("")).isEqualTo(3);
            }
        }
    }
}
