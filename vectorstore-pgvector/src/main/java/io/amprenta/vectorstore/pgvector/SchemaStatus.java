package io.amprenta.vectorstore.pgvector;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code vectorstore schema status} reports about one table: the pgvector extension, the table and its
 * columns, the dimension, the indexes (and whether a vector index serves the configured metric), the recorded
 * schema version, and how many rows hold an embedding and how many still wait for one.
 *
 * @param table the table, {@code schema.table}
 * @param extensionVersion the enabled {@code vector} extension's version, empty when it is not enabled
 * @param availableExtensionVersion the version the server could enable, empty when pgvector is not installed there
 * @param tableExists whether the table exists
 * @param createdByLibrary whether {@code schema upgrade} created the table (else it is the application's)
 * @param columns every column of the table
 * @param dimension the embedding column's dimension, when it has one
 * @param indexes every index of the table
 * @param vectorIndex the index serving queries for the configured metric, if any
 * @param schemaVersion the recorded schema version, 0 when none
 * @param latestVersion the newest version this library knows
 * @param embeddedRows rows that hold an embedding (what queries and stats see)
 * @param pendingRows rows without an embedding (what a backfill still has to fill)
 * @param problems what keeps a store from using the table, or needs attention; empty when all is well
 * @param searchSetting the ef_search unfiltered queries run with and where it comes from: {@code PGVECTOR_EF_SEARCH},
 *     a stored calibration (when and on how many rows it was measured) or the default
 * @param calibrations the search settings calibrated for this table and stored in the database
 * @param deferredIndexes the definitions of vector indexes a migration dropped to load faster and has not rebuilt yet
 *     (recorded in {@code vectorstore_deferred_index}; the migration that completes the load rebuilds them)
 * @param partitions how the table is partitioned (e.g. by namespace: how many partitions, rows in the default one);
 *     empty when it is one table
 * @param shardStatistics for one shard of a sharded table, the coordinator's row estimate of its foreign partition
 *     (ARCHITECTURE.md, "Shards"), e.g. {@code ~20,000 rows on the coordinator} or {@code never analyzed on the
 *     coordinator}; empty otherwise
 */
public record SchemaStatus(String table, Optional<String> extensionVersion, Optional<String> availableExtensionVersion,
                           boolean tableExists, boolean createdByLibrary, List<Column> columns, OptionalInt dimension,
                           List<Index> indexes, Optional<Index> vectorIndex, int schemaVersion, int latestVersion,
                           long embeddedRows, long pendingRows, List<String> problems, String searchSetting,
                           List<SearchCalibration> calibrations, List<String> deferredIndexes, Optional<String> partitions,
                           Optional<String> shardStatistics) {

    /** Copies the lists. */
    public SchemaStatus {
        deferredIndexes = List.copyOf(deferredIndexes);
        calibrations = List.copyOf(calibrations);
        columns = List.copyOf(columns);
        indexes = List.copyOf(indexes);
        problems = List.copyOf(problems);
    }

    /**
     * A column.
     *
     * @param name its name
     * @param type its SQL type, e.g. {@code vector(384)}
     * @param notNull whether it is NOT NULL
     * @param addedByLibrary whether {@code schema upgrade} added it (and {@code schema downgrade} drops it)
     */
    public record Column(String name, String type, boolean notNull, boolean addedByLibrary) {
    }

    /**
     * An index.
     *
     * @param name its name
     * @param method its access method, e.g. {@code hnsw}
     * @param operatorClasses its operator classes, e.g. {@code vector_cosine_ops}
     * @param options its storage options, e.g. {@code m=16}
     * @param definition its definition
     */
    public record Index(String name, String method, List<String> operatorClasses, List<String> options, String definition) {

        /** Copies the lists. */
        public Index {
            operatorClasses = List.copyOf(operatorClasses);
            options = List.copyOf(options);
        }

        /**
         * The precision a vector index works in: {@code half} for a {@code halfvec} operator class (on a halfvec
         * column or the {@code embedding::halfvec(n)} expression), else {@code full}.
         */
        public String precision() {
            return operatorClasses.stream().anyMatch(opclass -> opclass.startsWith("halfvec")) ? "half" : "full";
        }
    }

    /**
     * This status of a shard with the coordinator's statistics of the shard's partition, and {@code problem} (if any)
     * added to its problems.
     */
    SchemaStatus withShardStatistics(String statistics, Optional<String> problem) {
        List<String> all = new ArrayList<>(problems);
        problem.ifPresent(all::add);
        return new SchemaStatus(table, extensionVersion, availableExtensionVersion, tableExists, createdByLibrary, columns,
                dimension, indexes, vectorIndex, schemaVersion, latestVersion, embeddedRows, pendingRows, all,
                searchSetting, calibrations, deferredIndexes, partitions, Optional.of(statistics));
    }

    /** Whether the schema is at the latest version and a store can use the table without warnings. */
    public boolean isCurrent() {
        return schemaVersion == latestVersion && problems.isEmpty();
    }

    /**
     * A warning when the server's pgvector has known HNSW bugs fixed in a later release; it does not stop a store
     * from using the table, so it is not one of the {@link #problems}.
     */
    public Optional<String> extensionWarning() {
        return TableLayout.extensionWarning(extensionVersion.orElse(null), availableExtensionVersion.orElse(null));
    }

    /** A report for people, one fact per line. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("table:            ").append(table).append(tableExists
                ? (createdByLibrary ? " (created by vectorstore)" : " (application table)") : " (missing)").append('\n');
        text.append("vector extension: ").append(extensionVersion.map(v -> "enabled, version " + v)
                .orElse(availableExtensionVersion.map(v -> "not enabled (server has " + v + ")")
                        .orElse("not installed on the server"))).append('\n');
        text.append("schema version:   ").append(schemaVersion).append(" of ").append(latestVersion).append('\n');
        if (tableExists) {
            text.append("dimension:        ").append(dimension.isPresent() ? String.valueOf(dimension.getAsInt()) : "-").append('\n');
            text.append("vector index:     ").append(vectorIndex.map(i -> i.name() + " (" + i.method() + " "
                    + String.join(",", i.operatorClasses()) + (i.options().isEmpty() ? "" : " " + String.join(",", i.options()))
                    + ", " + i.precision() + " precision)").orElse("none for the configured metric")).append('\n');
            deferredIndexes.forEach(definition -> text.append("deferred index:   ").append(definition)
                    .append(" (dropped for a bulk load, rebuilt when the migration completes)\n"));
            text.append("rows:             ").append(embeddedRows).append(" with an embedding, ").append(pendingRows)
                    .append(" pending\n");
            text.append("search setting:   ").append(searchSetting).append('\n');
            partitions.ifPresent(layout -> text.append("partitions:       ").append(layout).append('\n'));
            shardStatistics.ifPresent(estimate -> text.append("shard statistics: ").append(estimate).append('\n'));
            calibrations.forEach(calibration -> text.append("calibrated:       ").append(calibration.describe()).append('\n'));
            text.append("columns:\n");
            columns.forEach(column -> text.append("  ").append(column.name()).append(' ').append(column.type())
                    .append(column.notNull() ? " NOT NULL" : "").append(column.addedByLibrary() ? "  [vectorstore]" : "")
                    .append('\n'));
            text.append("indexes:\n");
            indexes.forEach(index -> text.append("  ").append(index.definition()).append('\n'));
        }
        extensionWarning().ifPresent(warning -> text.append("warning:          ").append(warning).append('\n'));
        if (problems.isEmpty()) {
            text.append("status:           ok\n");
        } else {
            problems.forEach(problem -> text.append("problem:          ").append(problem).append('\n'));
        }
        return text.toString();
    }
}
