package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.pgvector.PgVectorSettings.IterativeScan;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.testkit.TestData;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Calibrations stored in the database: stores use them instead of the default ef_search, an explicit
 * PGVECTOR_EF_SEARCH wins, filtered queries use their own, other instances pick them up, status and health show them.
 */
@ExtendWith(PostgresExtension.class)
class SearchCalibrationIT {

    private static final int DIMENSION = 8;
    private static final Query UNFILTERED = Query.builder(TestData.unit(DIMENSION, 0)).topK(5).build();
    private static final Query FILTERED = Query.builder(TestData.unit(DIMENSION, 0)).topK(5).filter(Filter.eq("genre", "drama"))
            .build();

    private final TestDatabase db;
    private final DataSource dataSource;

    SearchCalibrationIT(TestDatabase db) {
        this.db = db;
        this.dataSource = db.dataSource();
    }

    private PgVectorSettings prepared(String table) {
        PgVectorSettings settings = PgVectorSettings.builder().table(table).dimension(DIMENSION).build();
        SchemaManager.create(dataSource, settings).upgrade();
        try (VectorStore store = store(settings)) {
            store.upsert(TestData.randomRecords(new Random(3), 200, DIMENSION, "r-"));
        }
        return settings;
    }

    private VectorStore store(PgVectorSettings settings) {
        return PgVectorStore.builder().dataSource(dataSource).settings(settings).build();
    }

    private static SearchCalibration calibration(boolean filtered, long rows, int efSearch, IterativeScan scan) {
        return new SearchCalibration(filtered, rows, efSearch, scan, 0.96, 0.95, 10, 100, Instant.parse("2026-12-01T10:00:00Z"));
    }

    private static String efSearch(VectorStore store, Query query) {
        return store.unwrap(PgVectorTable.class).searchStatement("", query).settings().get("hnsw.ef_search");
    }

    @Test
    void aSavedCalibrationReplacesTheDefaultForEveryQueryOfTheTable() {
        PgVectorSettings settings = prepared("calibrated");
        try (VectorStore store = store(settings)) {
            store.query(UNFILTERED);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("100");
            assertThat(store.health().details()).containsEntry("efSearch", 100)
                    .hasEntrySatisfying("searchSetting", source -> assertThat((String) source).startsWith("default"));

            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 37, IterativeScan.RELAXED_ORDER));
            assertThat(store.query(UNFILTERED)).hasSize(5);

            assertThat(efSearch(store, UNFILTERED)).isEqualTo("37");
            // Without a filtered calibration, filtered queries take the unfiltered one.
            assertThat(efSearch(store, FILTERED)).isEqualTo("37");
            // The query itself sends it: the pool's sessions start with the configured default.
            assertThat(store.unwrap(PgVectorTable.class).backend().searcher().approximateSql("", UNFILTERED).parameters())
                    .contains("37");
            HealthReport health = store.health();
            assertThat(health.details()).containsEntry("efSearch", 37).containsEntry("targetRecall", 0.95)
                    .hasEntrySatisfying("searchSetting", source -> assertThat((String) source)
                            .contains("calibration", "ef_search 37", "2026-12-01T10:00:00Z", "200 rows"));
        }
    }

    @Test
    void aCalibrationBelowTheTargetIsUsedAndHealthSaysItIsNotEnough() {
        PgVectorSettings settings = prepared("below_target");
        try (VectorStore store = store(settings)) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            // The best a calibration found when no setting met the target (vectorstore calibrate --save stores it).
            table.saveCalibration(new SearchCalibration(false, 200, 1000, IterativeScan.RELAXED_ORDER, 0.821, 0.95, 10, 100,
                    Instant.parse("2026-12-01T10:00:00Z")));
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("1000");

            HealthReport health = store.health();
            assertThat(health.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(health.message()).contains("recall@10 0.821 (ef_search 1000), below PGVECTOR_TARGET_RECALL 0.950")
                    .contains("best of the settings it tried").contains("PGVECTOR_HNSW_M");

            // A calibration that met its own, lower target only needs running again for today's.
            table.saveCalibration(new SearchCalibration(false, 200, 40, IterativeScan.RELAXED_ORDER, 0.93, 0.9, 10, 100,
                    Instant.parse("2026-12-01T10:00:00Z")));
            HealthReport stale = store.health();
            assertThat(stale.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(stale.message()).contains("chosen for a target of 0.900").contains("calibrate --save");

            table.saveCalibration(calibration(false, 200, 40, IterativeScan.RELAXED_ORDER));
            assertThat(store.health().status()).isEqualTo(HealthReport.Status.UP);
        }
        // An explicit PGVECTOR_EF_SEARCH is not the calibration's doing: health does not blame it.
        try (VectorStore store = store(settings.toBuilder().efSearch(40).build())) {
            store.unwrap(PgVectorTable.class).saveCalibration(new SearchCalibration(false, 200, 1000,
                    IterativeScan.RELAXED_ORDER, 0.821, 0.95, 10, 100, Instant.parse("2026-12-01T10:00:00Z")));
            assertThat(store.health().status()).isEqualTo(HealthReport.Status.UP);
        }
    }

    @Test
    void aStoreWithItsOwnPoolStartsItsSessionsWithTheCalibrationAndSendsNoSettings() throws Exception {
        PgVectorSettings settings = prepared("pooled_calibration");
        try (VectorStore store = store(settings)) {
            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 52, IterativeScan.RELAXED_ORDER));
        }
        Map<String, String> config = db.config();
        config.put("PGVECTOR_TABLE", "pooled_calibration");
        config.put("PGVECTOR_POOL_SIZE", "2");
        try (VectorStore own = PgVectorStore.builder().config(VectorStoreConfig.of(config)).build()) {
            assertThat(own.query(UNFILTERED)).hasSize(5);
            try (Connection connection = own.unwrap(DataSource.class).getConnection()) {
                assertThat(Jdbc.first(connection, Jdbc.Statement.of("SELECT current_setting('hnsw.ef_search')"),
                        row -> row.getString(1))).contains("52");
            }
            SqlFragment sql = own.unwrap(PgVectorTable.class).backend().searcher().approximateSql("", UNFILTERED);
            assertThat(sql.sql()).doesNotContain("set_config");
            assertThat(efSearch(own, UNFILTERED)).isEqualTo("52");
        }
    }

    @Test
    void filteredQueriesUseTheirOwnCalibrationAndAnExplicitEfSearchWins() {
        PgVectorSettings settings = prepared("filtered_calibration");
        try (VectorStore store = store(settings)) {
            PgVectorTable table = store.unwrap(PgVectorTable.class);
            table.saveCalibration(calibration(false, 200, 40, IterativeScan.RELAXED_ORDER));
            table.saveCalibration(calibration(true, 200, 120, IterativeScan.STRICT_ORDER));
            store.query(FILTERED);

            assertThat(efSearch(store, UNFILTERED)).isEqualTo("40");
            assertThat(table.searchStatement("", FILTERED).settings()).containsEntry("hnsw.ef_search", "120")
                    .containsEntry("hnsw.iterative_scan", "strict_order");
            assertThat(table.calibrations()).extracting(SearchCalibration::filtered).containsExactly(false, true);
        }
        try (VectorStore explicit = store(settings.toBuilder().efSearch(64).build())) {
            explicit.query(FILTERED);
            assertThat(efSearch(explicit, UNFILTERED)).isEqualTo("64");
            assertThat(efSearch(explicit, FILTERED)).isEqualTo("64");
            assertThat(explicit.health().details()).containsEntry("searchSetting", "PGVECTOR_EF_SEARCH");
        }
    }

    @Test
    void anotherInstancePicksUpARecalibrationWithoutRestarting() throws Exception {
        PgVectorSettings settings = prepared("recalibrated");
        Calibrations otherInstance = new Calibrations(TableNames.of(settings), settings, Duration.ZERO);
        try (Connection connection = Jdbc.open(dataSource); VectorStore store = store(settings)) {
            assertThat(otherInstance.tuning(connection, false).efSearch()).isEqualTo(100);

            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 50, IterativeScan.RELAXED_ORDER));
            assertThat(otherInstance.tuning(connection, false).efSearch()).isEqualTo(50);

            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 70, IterativeScan.RELAXED_ORDER));
            assertThat(otherInstance.tuning(connection, false).efSearch()).isEqualTo(70);
            assertThat(store.unwrap(PgVectorTable.class).calibrations()).hasSize(1);
        }
    }

    @Test
    void schemaStatusShowsTheSettingInForceAndWhenItWasMeasured() {
        PgVectorSettings settings = prepared("status_calibration");
        SchemaManager manager = SchemaManager.create(dataSource, settings);
        assertThat(manager.status().searchSetting()).startsWith("ef_search 100").contains("not calibrated");
        assertThat(Sql.count(dataSource, "SELECT count(*) FROM vectorstore_search_calibration")).isNotNegative();

        try (VectorStore store = store(settings)) {
            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 45, IterativeScan.RELAXED_ORDER));
        }
        SchemaStatus status = manager.status();
        assertThat(status.searchSetting()).startsWith("ef_search 45");
        assertThat(status.calibrations()).singleElement().satisfies(c -> assertThat(c.rows()).isEqualTo(200));
        assertThat(status.describe()).contains("search setting:   ef_search 45").contains("calibrated:", "200 rows");
    }

    @Test
    void unusableCalibrationsAreRefusedOrIgnoredAndChangeNothing() {
        PgVectorSettings settings = prepared("bad_calibration");
        assertThatThrownBy(() -> calibration(false, 200, 0, IterativeScan.RELAXED_ORDER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("efSearch");
        assertThatThrownBy(() -> new SearchCalibration(false, 200, 40, IterativeScan.OFF, 1.5, 0.95, 10, 100, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recall");
        // A row written by hand (or a newer library) that this one cannot read is skipped, not fatal.
        Sql.execute(dataSource, "INSERT INTO vectorstore_search_calibration (table_schema, table_name, filtered, size_class,"
                + " row_count, ef_search, iterative_scan, recall, target_recall, top_k, queries) VALUES ('public',"
                + " 'bad_calibration', false, 3, 200, 33, 'sideways', 0.97, 0.95, 10, 100)");
        try (VectorStore store = store(settings)) {
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("100");
            assertThat(store.unwrap(PgVectorTable.class).calibrations()).isEmpty();
        }
    }

    @Test
    void aCalibrationAppliesOnlyWhileTheIndexItMeasuredStands() {
        PgVectorSettings settings = prepared("rebuilt_index");
        String index = Sql.value(dataSource, "SELECT indexname FROM pg_indexes WHERE tablename = 'rebuilt_index'"
                + " AND indexdef LIKE '%USING hnsw%'");
        String built = Sql.value(dataSource, "SELECT pg_get_indexdef('" + index + "'::regclass)");
        // What an application's own migration tool might do: the same index, rebuilt with another m.
        String sparser = built.replaceFirst("m='\\d+'", "m='4'");
        assertThat(sparser).isNotEqualTo(built);
        SchemaManager manager = SchemaManager.create(dataSource, settings);
        try (VectorStore store = store(settings)) {
            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 37, IterativeScan.RELAXED_ORDER));
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("37");
        }

        Sql.execute(dataSource, "DROP INDEX " + index, sparser);
        try (VectorStore store = store(settings)) {
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).as("the old graph's setting says nothing about this one").isEqualTo("100");
            assertThat(store.health().details()).hasEntrySatisfying("searchSetting",
                    source -> assertThat((String) source).startsWith("default"));
            assertThat(store.unwrap(PgVectorTable.class).calibrations()).isEmpty();
        }
        assertThat(manager.status().calibrations()).isEmpty();
        assertThat(manager.status().searchSetting()).contains("not calibrated");

        // Set aside, not deleted: the index it measured back, the calibration applies again.
        Sql.execute(dataSource, "DROP INDEX " + index, built);
        try (VectorStore store = store(settings)) {
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("37");
        }
        // A calibration of the rebuilt index replaces the set-aside one of its kind and size class.
        Sql.execute(dataSource, "DROP INDEX " + index, sparser);
        try (VectorStore store = store(settings)) {
            store.unwrap(PgVectorTable.class).saveCalibration(calibration(false, 200, 64, IterativeScan.RELAXED_ORDER));
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("64");
        }
        assertThat(Sql.value(dataSource, "SELECT index_definition FROM vectorstore_search_calibration"
                + " WHERE table_name = 'rebuilt_index'")).isEqualTo(sparser);
    }

    @Test
    void aCalibrationTableFromBeforeIndexesWereRecordedKeepsWorkingAndGainsTheColumn() {
        TestDatabase other = db.createAnother();
        DataSource otherSource = other.dataSource();
        PgVectorSettings settings = PgVectorSettings.builder().table("legacy").dimension(DIMENSION).build();
        SchemaManager.create(otherSource, settings).upgrade();
        // The table as an earlier version made it, with a row it saved.
        Sql.execute(otherSource, "ALTER TABLE vectorstore_search_calibration DROP COLUMN index_definition",
                "INSERT INTO vectorstore_search_calibration (table_schema, table_name, filtered, size_class, row_count,"
                        + " ef_search, iterative_scan, recall, target_recall, top_k, queries) VALUES ('public', 'legacy',"
                        + " false, 3, 200, 41, 'relaxed_order', 0.97, 0.95, 10, 100)");
        try (VectorStore store = PgVectorStore.builder().dataSource(otherSource).settings(settings).build()) {
            store.upsert(TestData.randomRecords(new Random(3), 200, DIMENSION, "r-"));
            assertThat(store.query(UNFILTERED)).hasSize(5);
            assertThat(efSearch(store, UNFILTERED)).isEqualTo("41");

            store.unwrap(PgVectorTable.class).saveCalibration(calibration(true, 200, 52, IterativeScan.STRICT_ORDER));
            assertThat(store.query(FILTERED)).isNotEmpty();
            assertThat(efSearch(store, FILTERED)).isEqualTo("52");
            assertThat(store.unwrap(PgVectorTable.class).calibrations()).hasSize(2);
        }
        assertThat(Sql.rows(otherSource, "SELECT filtered || ':' || (index_definition IS NOT NULL) FROM"
                + " vectorstore_search_calibration ORDER BY filtered")).containsExactly("false:false", "true:true");
    }

    @Test
    void theCalibrationOfTheNearestSizeClassApplies() {
        List<SearchCalibration> stored = List.of(calibration(false, 5_000, 40, IterativeScan.RELAXED_ORDER),
                calibration(false, 500_000, 200, IterativeScan.RELAXED_ORDER),
                calibration(true, 5_000, 90, IterativeScan.STRICT_ORDER));

        assertThat(Calibrations.choose(stored, false, 7_000)).map(SearchCalibration::efSearch).contains(40);
        assertThat(Calibrations.choose(stored, false, 60_000)).map(SearchCalibration::efSearch).contains(200);
        assertThat(Calibrations.choose(stored, false, 2_000_000)).map(SearchCalibration::efSearch).contains(200);
        // Unknown size (never analyzed): the larger graph's setting, which is the safer one.
        assertThat(Calibrations.choose(stored, false, -1)).map(SearchCalibration::efSearch).contains(200);
        assertThat(Calibrations.choose(stored, true, 7_000)).map(SearchCalibration::efSearch).contains(90);
        assertThat(Calibrations.choose(List.of(), true, 7_000)).isEmpty();
    }
}
