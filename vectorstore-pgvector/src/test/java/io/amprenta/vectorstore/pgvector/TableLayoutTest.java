package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** How the store judges a table from its catalog facts, without a database. */
class TableLayoutTest {

    private static final PgVectorSettings SETTINGS = PgVectorSettings.builder().dimension(384).build();

    private static TableShape.Column column(String name, String typeName, int typmod, boolean notNull, boolean hasDefault) {
        return new TableShape.Column(name, typeName + (typmod > 0 ? "(" + typmod + ")" : ""), typeName, typmod, notNull,
                hasDefault, false);
    }

    private static List<TableShape.Column> libraryColumns(String embeddingType, int dimension) {
        List<TableShape.Column> columns = new ArrayList<>();
        columns.add(column("id", "text", -1, true, false));
        columns.add(column("namespace", "text", -1, true, true));
        columns.add(column("embedding", embeddingType, dimension, false, false));
        columns.add(column("embedding_model", "text", -1, false, false));
        columns.add(column("vectorstore_metadata", "jsonb", -1, true, true));
        columns.add(column("embedding_updated_at", "timestamptz", -1, false, false));
        return columns;
    }

    private static final TableShape.Index KEY = new TableShape.Index("rag_chunks_vs_key", "btree", true, true, false,
            List.of("namespace", "id"), List.of("text_ops", "text_ops"), List.of(), "CREATE UNIQUE INDEX ...");
    private static final TableShape.Index HNSW = new TableShape.Index("rag_chunks_embedding_hnsw", "hnsw", false, true,
            false, List.of("embedding"), List.of("vector_cosine_ops"), List.of("m=16"), "CREATE INDEX ... USING hnsw");

    private static TableShape shape(List<TableShape.Column> columns, List<TableShape.Index> indexes) {
        return new TableShape("0.8.0", "0.8.0", true, false, columns, indexes, 2);
    }

    private static void assertRefused(TableShape shape, PgVectorSettings settings, ErrorCode code, String... messageParts) {
        assertThatThrownBy(() -> TableLayout.validate(shape, settings))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void aPreparedTableIsAccepted() {
        TableLayout layout = TableLayout.validate(shape(libraryColumns("vector", 384), List.of(KEY, HNSW)), SETTINGS);

        assertThat(layout.vector()).isEqualTo(new VectorColumn(VectorColumn.Type.VECTOR, 384));
        assertThat(layout.vectorIndex()).hasValue("rag_chunks_embedding_hnsw");
        assertThat(layout.libraryOwned()).isTrue();
        assertThat(layout.canInsertRows()).isTrue();
        assertThat(layout.deletesRows(PgVectorSettings.DeleteMode.AUTO)).isTrue();
    }

    @Test
    void anApplicationTableWithRequiredColumnsOnlyGetsUpdates() {
        List<TableShape.Column> columns = libraryColumns("vector", 384);
        columns.add(column("content", "text", -1, true, false));
        columns.add(column("created_at", "timestamptz", -1, true, true));

        TableLayout layout = TableLayout.validate(shape(columns, List.of(KEY, HNSW)), SETTINGS);

        assertThat(layout.requiredApplicationColumns()).containsExactly("content");
        assertThat(layout.canInsertRows()).isFalse();
        assertThat(layout.libraryOwned()).isFalse();
        assertThat(layout.deletesRows(PgVectorSettings.DeleteMode.AUTO)).isFalse();
        assertThat(layout.deletesRows(PgVectorSettings.DeleteMode.ROW)).isTrue();
    }

    @Test
    void theExtensionMustBeThereAndRecentEnough() {
        assertRefused(new TableShape(null, null, true, false, List.of(), List.of(), 0), SETTINGS,
                ErrorCode.VECTOR_EXTENSION_MISSING, "not installed on the PostgreSQL server");
        assertRefused(new TableShape(null, "0.8.0", true, false, List.of(), List.of(), 0), SETTINGS,
                ErrorCode.VECTOR_EXTENSION_MISSING, "schema upgrade");
        assertRefused(new TableShape("0.7.4", "0.8.0", true, false, List.of(), List.of(), 0), SETTINGS,
                ErrorCode.VECTOR_EXTENSION_TOO_OLD, "0.7.4", "ALTER EXTENSION vector UPDATE");
        assertThat(TableLayout.compareVersions("0.10.0", "0.8.0")).isPositive();
    }

    @Test
    void missingPartsAreNamed() {
        assertRefused(new TableShape("0.8.0", "0.8.0", false, false, List.of(), List.of(), 0), SETTINGS,
                ErrorCode.TABLE_MISSING, "public.rag_chunks", "schema upgrade");
        List<TableShape.Column> noMetadata = libraryColumns("vector", 384);
        noMetadata.removeIf(c -> c.name().equals("vectorstore_metadata") || c.name().equals("embedding_model"));
        assertRefused(shape(noMetadata, List.of(KEY)), SETTINGS, ErrorCode.COLUMN_MISSING, "embedding_model, vectorstore_metadata");
        assertRefused(shape(libraryColumns("vector", 384), List.of()), SETTINGS, ErrorCode.SCHEMA_OUTDATED, "(namespace, id)");
        List<TableShape.Column> byteaId = libraryColumns("vector", 384);
        byteaId.set(0, column("id", "bytea", -1, true, false));
        assertRefused(shape(byteaId, List.of(KEY)), SETTINGS, ErrorCode.SCHEMA_CONFLICT, "bytea", "PGVECTOR_ID_COLUMN");
    }

    @Test
    void uuidAndIntegerIdColumnsAreAccepted() {
        for (String type : List.of("uuid", "int8", "int4", "varchar")) {
            List<TableShape.Column> columns = libraryColumns("vector", 384);
            columns.set(0, column("id", type, -1, true, false));
            assertThat(TableLayout.validate(shape(columns, List.of(KEY)), SETTINGS).idType()).as(type)
                    .isEqualTo(IdType.of(type).orElseThrow());
        }
    }

    @Test
    void theEmbeddingColumnMustBeAVectorOfTheConfiguredDimension() {
        assertRefused(shape(libraryColumns("_float4", -1), List.of(KEY)), SETTINGS, ErrorCode.COLUMN_NOT_VECTOR,
                "ALTER TABLE public.rag_chunks ALTER COLUMN embedding TYPE vector(384)");
        assertRefused(shape(libraryColumns("vector", 1536), List.of(KEY)), SETTINGS, ErrorCode.DIMENSION_MISMATCH,
                "384", "1536");
        TableLayout fromTable = TableLayout.validate(shape(libraryColumns("vector", 1536), List.of(KEY)),
                PgVectorSettings.builder().build());
        assertThat(fromTable.vector().dimension()).isEqualTo(1536);
    }

    @Test
    void anIndexForAnotherMetricDoesNotCount() {
        TableLayout layout = TableLayout.validate(shape(libraryColumns("vector", 384), List.of(KEY, HNSW)),
                PgVectorSettings.builder().metric(DistanceMetric.EUCLIDEAN).build());

        assertThat(layout.vectorIndex()).isEmpty();
    }

    @Test
    void serversBeforeTheHnswFixesAreWarnedAboutByTheVersionTheyRun() {
        assertThat(TableLayout.extensionWarning("0.8.0", "0.8.0")).get(InstanceOfAssertFactories.STRING)
                .contains("pgvector 0.8.0").contains("0.8.4 or later").contains("REINDEX");
        // The installed package's code runs even when CREATE EXTENSION recorded an older version.
        assertThat(TableLayout.extensionWarning("0.8.0", "0.8.4")).isEmpty();
        assertThat(TableLayout.extensionWarning("0.8.4", "0.8.3")).get(InstanceOfAssertFactories.STRING)
                .contains("pgvector 0.8.3");
        assertThat(TableLayout.extensionWarning(null, "0.8.7")).isEmpty();
        assertThat(TableLayout.extensionWarning("0.7.4", null)).isPresent();
        assertThat(TableLayout.extensionWarning(null, null)).isEmpty();
    }
}
