package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.DistanceMetric;
import io.amprenta.vectorstore.ErrorCode;
import org.junit.jupiter.api.Test;

/** {@code schema sql}: the DDL printed for teams that apply it with their own tools, without a connection. */
class SchemaSqlTest {

    private static PgVectorSettings settings(int dimension, DistanceMetric metric) {
        return PgVectorSettings.builder().dimension(dimension).metric(metric).hnswM(24).hnswEfConstruction(100).build();
    }

    @Test
    void theUpgradeEnablesTheExtensionAddsColumnsIndexesAndRecordsVersions() {
        String sql = SchemaManager.sql(settings(384, DistanceMetric.COSINE)).upgradeSql();

        assertThat(sql).contains("SELECT pg_advisory_xact_lock(")
                .contains("CREATE EXTENSION IF NOT EXISTS vector")
                .contains("CREATE TABLE IF NOT EXISTS \"public\".\"vectorstore_schema_version\"")
                .contains("CREATE TABLE \"public\".\"rag_chunks\"")
                .contains("ADD COLUMN \"embedding\" vector(384)")
                .contains("ADD COLUMN \"vectorstore_metadata\" jsonb NOT NULL DEFAULT '{}'::jsonb")
                .contains("ADD COLUMN \"namespace\" text NOT NULL DEFAULT ''")
                .contains("CREATE UNIQUE INDEX \"rag_chunks_vs_key\"")
                .contains("USING hnsw (\"embedding\" vector_cosine_ops) WITH (m = 24, ef_construction = 100)")
                .contains("USING gin (\"vectorstore_metadata\" jsonb_path_ops)")
                .contains("WHERE \"embedding\" IS NULL")
                .contains("VALUES ('public', 'rag_chunks', 1,").contains("VALUES ('public', 'rag_chunks', 2,")
                .contains("VALUES ('public', 'rag_chunks', 3,");
        assertThat(sql.indexOf("pg_advisory_xact_lock")).isLessThan(sql.indexOf("CREATE EXTENSION"));
    }

    @Test
    void aShardedUpgradeAnalyzesTheForeignPartitionsItCreatesAndSamplesOnTheShardsWherePostgresCan() {
        ShardedSchema schema = ShardedSchema.create(null, settings(8, DistanceMetric.COSINE), ShardedSchema.ShardKey.ID,
                java.util.List.of("postgresql://u:secret@a:5432/db", "postgresql://u:secret@b:5432/db"));
        String sql = schema.sql().upgradeSql();

        // The partitions, never the parent (whose analysis would sample every shard again), after they exist.
        assertThat(sql).contains("ANALYZE \"public\".\"rag_chunks_shard_0\"").contains("ANALYZE \"public\".\"rag_chunks_shard_1\"")
                .doesNotContain("ANALYZE \"public\".\"rag_chunks\"").doesNotContain("secret");
        assertThat(sql.indexOf("ANALYZE \"public\".\"rag_chunks_shard_0\"")).isGreaterThan(sql.lastIndexOf("CREATE FOREIGN TABLE"));
        // PostgreSQL 15's postgres_fdw has no analyze_sampling: the option is added only where the server has it.
        assertThat(sql).contains("IF current_setting('server_version_num')::int >= 160000")
                .contains("ALTER SERVER \"rag_chunks_shard_1\" OPTIONS (ADD analyze_sampling 'auto')");
    }

    @Test
    void theMetricChoosesTheOperatorClass() {
        assertThat(SchemaManager.sql(settings(8, DistanceMetric.DOTPRODUCT)).upgradeSql()).contains("vector_ip_ops");
        assertThat(SchemaManager.sql(settings(8, DistanceMetric.EUCLIDEAN)).upgradeSql()).contains("vector_l2_ops");
    }

    @Test
    void above2000DimensionsTheIndexIsAHalfvecExpression() {
        String sql = SchemaManager.sql(settings(3072, DistanceMetric.COSINE)).upgradeSql();

        assertThat(sql).contains("\"embedding\" vector(3072)")
                .contains("USING hnsw ((\"embedding\"::halfvec(3072)) halfvec_cosine_ops)");
        assertThat(SchemaManager.sql(settings(5000, DistanceMetric.COSINE)).upgradeSql()).doesNotContain("USING hnsw");
    }

    @Test
    void theDowngradeRefusesBacksUpOrDropsAsAsked() {
        PgVectorSettings settings = settings(384, DistanceMetric.COSINE);
        String refuse = SchemaManager.sql(settings).downgradeSql();
        String backup = SchemaManager.sql(settings, UpgradeOptions.latest(), DowngradeOptions.toNothing().backupTo("rag_backup"))
                .downgradeSql();
        String drop = SchemaManager.sql(settings, UpgradeOptions.latest(), DowngradeOptions.toNothing().dropEmbeddings())
                .downgradeSql();

        assertThat(refuse).contains("RAISE EXCEPTION 'vectorstore: % row(s) of public.rag_chunks hold embeddings")
                .contains("DROP INDEX IF EXISTS \"public\".\"rag_chunks_embedding_hnsw\"")
                .contains("LIKE 'vectorstore:%'").contains("DROP COLUMN \"embedding\"")
                .contains("DELETE FROM \"public\".\"vectorstore_schema_version\"");
        // The backup is the first step, taken while the sparse values' columns still exist, and keeps them too: neither
        // embeddings nor sparse values stop the downgrade.
        assertThat(backup).contains("CREATE TABLE \"public\".\"rag_backup\" AS SELECT").doesNotContain("RAISE EXCEPTION")
                .contains("\"embedding_sparse_indices\", \"embedding_sparse_values\" FROM \"public\".\"rag_chunks\"");
        assertThat(backup.indexOf("rag_backup")).isLessThan(backup.indexOf("DROP COLUMN \"embedding_sparse_indices\""));
        assertThat(SchemaManager.sql(settings, UpgradeOptions.latest(), DowngradeOptions.toNothing().to(3).backupTo("rag_backup"))
                .downgradeSql()).contains("CREATE TABLE \"public\".\"rag_backup\"").doesNotContain("RAISE EXCEPTION");
        assertThat(SchemaManager.sql(settings, UpgradeOptions.latest(), DowngradeOptions.toNothing().to(3)).downgradeSql())
                .contains("hold sparse values");
        assertThat(drop).doesNotContain("RAISE EXCEPTION").doesNotContain("rag_backup");
        assertThat(SchemaManager.sql(settings, UpgradeOptions.latest(), DowngradeOptions.toNothing().to(1)).downgradeSql())
                .contains("DROP INDEX IF EXISTS").doesNotContain("DROP COLUMN \"embedding\"")
                .contains("RENAME COLUMN \"vectorstore_metadata\" TO \"metadata\"");
    }

    @Test
    void theDimensionIsRequired() {
        assertThatThrownBy(() -> SchemaManager.sql(PgVectorSettings.builder().build()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_SETTING))
                .hasMessageContaining("PGVECTOR_DIMENSION");
    }

    @Test
    void namesFromSettingsAreQuotedEverywhere() {
        String sql = SchemaManager.sql(PgVectorSettings.builder().schema("App").table("Chunks").idColumn("chunkId")
                .dimension(4).build()).upgradeSql();

        assertThat(sql).contains("\"App\".\"Chunks\"").contains("\"chunkId\" text COLLATE \"C\" NOT NULL")
                .contains("to_regclass('\"App\".\"Chunks\"')");
    }
}
