package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import io.amprenta.vectorstore.pgvector.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Prepares, inspects and removes the library's schema for one table: what {@code vectorstore schema upgrade |
 * downgrade | status | sql} do.
 *
 * <ul>
 * <li>{@link #upgrade} enables the {@code vector} extension, creates the table or adds the library's columns
 * ({@code embedding vector(n)}, {@code embedding_model}, {@code metadata jsonb}, {@code namespace},
 * {@code embedding_updated_at}) to the application's existing table without touching its columns or rows, adds the
 * (namespace, id) key, the HNSW index for the metric ({@code m}, {@code ef_construction} from the settings; a
 * halfvec expression index when {@code PGVECTOR_INDEX_PRECISION} asks for half precision, or above 2,000
 * dimensions), a GIN index on metadata and a partial index of rows that still lack an embedding, every build with
 * the settings' maintenance memory and parallel workers.</li>
 * <li>{@link #reindex} rebuilds the vector index in the configured precision when it has the other one.</li>
 * <li>{@link #downgrade} reverses it step by step, refusing to drop populated embeddings unless told to, optionally
 * copying them into a backup table first.</li>
 * <li>{@link #status} reports the extension, table, columns, dimension, indexes, version and row counts.</li>
 * <li>{@link #sql} prints the same SQL without connecting, for Flyway, Liquibase or Alembic.</li>
 * </ul>
 *
 * <p>Changes are versioned (table {@code vectorstore_schema_version}), idempotent, run in one transaction each and
 * serialized across processes by an advisory lock. {@code CREATE EXTENSION} runs only here, never per connection.
 */
public final class SchemaManager {

    /** The newest schema version this library knows. */
    public static final int LATEST_VERSION = SchemaScripts.LATEST_VERSION;

    private final PgVectorSettings settings;
    private final TableNames names;
    private final Database database;

    private SchemaManager(DataSource dataSource, PgVectorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.names = TableNames.of(settings);
        // Schema changes are neither retried nor bounded by the query timeout: an index build may take hours.
        this.database = new Database(dataSource, RetryPolicy.none(), Duration.ZERO, Map.of(), names.display())
                .translatingWith(this::translate);
    }

    /** A manager for the table {@code settings} name, in the database of {@code dataSource}. */
    public static SchemaManager create(DataSource dataSource, PgVectorSettings settings) {
        return new SchemaManager(dataSource, settings);
    }

    /**
     * The upgrade and downgrade SQL for {@code settings} (which must give the dimension), without connecting: the
     * latest version with the HNSW index, and back to nothing, refusing to drop populated embeddings.
     */
    public static SchemaScript sql(PgVectorSettings settings) {
        return sql(settings, UpgradeOptions.latest(), DowngradeOptions.toNothing());
    }

    /** The upgrade and downgrade SQL for {@code settings} and these options, without connecting. */
    public static SchemaScript sql(PgVectorSettings settings, UpgradeOptions upgrade, DowngradeOptions downgrade) {
        TableNames names = TableNames.of(settings);
        VectorColumn vector = SchemaChecks.forUpgrade(new TableShape(TableLayout.MIN_EXTENSION_VERSION, null, false, false,
                List.of(), List.of(), 0), settings);
        List<String> up = new ArrayList<>(SchemaScripts.upgradePrologue(names));
        for (int version = 1; version <= upgrade.toVersion(); version++) {
            up.addAll(upStep(settings, version, vector, upgrade));
            up.addAll(PartitionLayout.stepsAfter(version, names, upgrade.partitioning()));
        }
        List<String> down = new ArrayList<>();
        down.add(SchemaScripts.lock());
        down.addAll(downgradeSteps(names, upgrade.toVersion(), downgrade));
        return new SchemaScript(up, down);
    }

    /**
     * The SQL {@link #upgrade(UpgradeOptions)} would still run on the table as it is now, for teams that apply it
     * with their own migration tool: the steps above the recorded version (the extension only when it is not
     * enabled yet), and no vector index when one serves the metric already, under any name. Empty when the schema
     * is at {@code options.toVersion()}. Reads the catalog; changes nothing. The downgrade goes from
     * {@code options.toVersion()} back to nothing, as {@link #sql(PgVectorSettings)}'s does.
     *
     * @throws ConfigurationException as {@link #upgrade(UpgradeOptions)} would, before any SQL is printed
     */
    public SchemaScript pendingSql(UpgradeOptions options) {
        Objects.requireNonNull(options, "options");
        return inTransaction("Reading the schema of " + names.display(), connection -> {
            TableShape shape = Catalog.read(connection, names);
            VectorColumn vector = shape.indexedAs(settings.metric(), SchemaChecks.forUpgrade(shape, settings));
            UpgradeOptions needed = shape.vectorIndex(settings.metric(), vector).isPresent()
                    ? options.deferVectorIndex() : options;
            List<String> up = new ArrayList<>();
            // Partitioning a table rebuilds it, and every step from version 1 with it.
            boolean partition = options.partitioning() == Partitioning.NAMESPACE
                    && !PartitionLayout.isPartitioned(connection, names);
            for (int version = partition ? 1 : shape.schemaVersion() + 1; version <= options.toVersion(); version++) {
                up.addAll(upStep(settings, version, vector, partition ? options : needed));
                up.addAll(PartitionLayout.stepsAfter(version, names, options.partitioning()));
            }
            if (!up.isEmpty()) {
                List<String> prologue = new ArrayList<>(SchemaScripts.upgradePrologue(names));
                if (shape.extensionVersion() != null) {
                    prologue.removeIf(statement -> statement.startsWith("CREATE EXTENSION"));
                }
                up.addAll(0, prologue);
            }
            List<String> down = new ArrayList<>();
            down.add(SchemaScripts.lock());
            for (int version = options.toVersion(); version > 0; version--) {
                down.addAll(downStep(names, version, DowngradeOptions.toNothing()));
            }
            return new SchemaScript(up, down);
        });
    }

    /** {@link #upgrade(UpgradeOptions)} to the latest version, with the HNSW index. */
    public SchemaChange upgrade() {
        return upgrade(UpgradeOptions.latest());
    }

    /**
     * Brings the schema to {@code options.toVersion()} (never lowers it); steps already applied are checked again
     * and repaired if something is missing, e.g. a dropped index.
     *
     * @throws ConfigurationException when the extension is missing or too old, the table's id or library columns
     *     have unusable types, the dimension is unknown or differs from the column's, or the user may not create the
     *     extension
     */
    public SchemaChange upgrade(UpgradeOptions options) {
        Objects.requireNonNull(options, "options");
        return inLockedTransaction("Schema upgrade of " + names.display(), (connection, executed) -> {
            TableShape before = Catalog.read(connection, names);
            VectorColumn vector = before.indexedAs(settings.metric(), SchemaChecks.forUpgrade(before, settings));
            List<String> prologue = SchemaScripts.upgradePrologue(names);
            for (String statement : prologue.subList(1, prologue.size())) {
                if (statement.startsWith("CREATE EXTENSION") && before.extensionVersion() != null) {
                    continue;
                }
                run(connection, statement, executed);
            }
            // The indexes the steps build get the build's memory and parallel workers for this transaction only.
            executed.addAll(IndexBuilds.configure(connection, settings.indexBuild(), true));
            boolean partitionedBefore = PartitionLayout.isPartitioned(connection, names);
            for (int version = 1; version <= options.toVersion(); version++) {
                for (String statement : upStep(settings, version, vector, options)) {
                    run(connection, statement, executed);
                }
                for (String statement : PartitionLayout.stepsAfter(version, names, options.partitioning())) {
                    run(connection, statement, executed);
                }
            }
            TableShape after = Catalog.read(connection, names);
            List<String> changes = new ArrayList<>(SchemaChecks.changes(before, after, names));
            if (!partitionedBefore && PartitionLayout.isPartitioned(connection, names)) {
                changes.add("partitioned by namespace: " + PartitionLayout.summary(connection, names)
                        .map(PartitionLayout.Summary::describe).orElse(""));
            }
            return new SchemaChange(before.schemaVersion(), after.schemaVersion(), changes, executed, Optional.empty());
        });
    }

    /**
     * Rebuilds the vector index in the precision {@link PgVectorSettings#INDEX_PRECISION} asks for, when the index
     * serving the metric is of the other precision: {@code schema upgrade --reindex}. The only way the precision of
     * an existing index changes (an upgrade adopts whatever serves the metric). The old index is dropped and the
     * library's built in one transaction, with the build's memory and parallel workers: queries and writes wait for
     * the build (docs/pgvector.md, "Full or half precision", shows the SQL that builds the new index concurrently
     * instead). Nothing happens when the index already has the wanted precision or there is none (the upgrade
     * builds it).
     *
     * @throws ConfigurationException as {@link #upgrade(UpgradeOptions)}, and when {@code full} is asked for above
     *     2,000 dimensions; nothing changes then
     */
    public SchemaChange reindex() {
        return inLockedTransaction("Rebuilding the vector index of " + names.display(), (connection, executed) -> {
            TableShape before = Catalog.read(connection, names);
            VectorColumn wanted = SchemaChecks.forUpgrade(before, settings);
            List<TableShape.Index> serving = before.servingIndexes(settings.metric(), wanted);
            if (serving.isEmpty() || before.vectorIndex(settings.metric(), wanted).isPresent() || !wanted.indexable()) {
                return new SchemaChange(before.schemaVersion(), before.schemaVersion(), List.of(), executed, Optional.empty());
            }
            executed.addAll(IndexBuilds.configure(connection, settings.indexBuild(), true));
            for (TableShape.Index index : serving) {
                run(connection, "DROP INDEX " + names.qualify(index.name()), executed);
            }
            if (before.index(names.vectorIndex()).isPresent() && !serving.contains(before.index(names.vectorIndex()).get())) {
                run(connection, "DROP INDEX " + names.qualify(names.vectorIndex()), executed);
            }
            run(connection, SchemaScripts.createVectorIndex(names, wanted, settings.metric(), settings.hnswM(),
                    settings.hnswEfConstruction()), executed);
            TableShape after = Catalog.read(connection, names);
            return new SchemaChange(before.schemaVersion(), after.schemaVersion(),
                    SchemaChecks.changes(before, after, names), executed, Optional.empty());
        });
    }

    /**
     * Takes the schema back to {@code options.toVersion()}. Going below version 1 drops the library's columns (or
     * the table, when the library created it and it holds nothing else); the application's columns and rows stay.
     *
     * @throws ConfigurationException with {@link ErrorCode#DOWNGRADE_REFUSED} when rows hold embeddings and the
     *     options neither back them up nor drop them; nothing changes then
     */
    public SchemaChange downgrade(DowngradeOptions options) {
        Objects.requireNonNull(options, "options");
        return inLockedTransaction("Schema downgrade of " + names.display(), (connection, executed) -> {
            TableShape before = Catalog.read(connection, names);
            SchemaChecks.checkVersion(before, names);
            int from = before.schemaVersion();
            if (options.toVersion() >= from) {
                return new SchemaChange(from, from, List.of(), executed, Optional.empty());
            }
            if (before.exists()) {
                checkPopulated(connection, before, from, options);
            }
            for (String statement : downgradeSteps(names, from, options)) {
                run(connection, statement, executed);
            }
            TableShape after = Catalog.read(connection, names);
            List<String> changes = new ArrayList<>(SchemaChecks.changes(before, after, names));
            Optional<String> backup = before.exists() && makesBackup(from, options) ? options.optionalBackupTable()
                    : Optional.empty();
            backup.ifPresent(table -> changes.add(0, "copied the embedded rows into " + names.schema() + "." + table));
            return new SchemaChange(from, after.schemaVersion(), changes, executed, backup);
        });
    }

    /**
     * Writes the embeddings a downgrade preserved in {@code backupTable} ({@link DowngradeOptions#backupTo}) back into
     * the table, after the schema was upgraded again: rows that exist without an embedding get their library columns
     * back, and so do rows whose embedding column is the application's (a downgrade keeps it) and still holds the
     * backed-up vector, not written by the library since; rows the table no longer has (a downgrade drops the
     * library's own table) are inserted. Sparse values come back with the rest (a backup of a table at version 4
     * holds them), also into rows a downgrade to version 1-3 kept unchanged; a backup holding them is refused by a
     * table without their columns. A row that holds an embedding again, written since, is never overwritten. One
     * transaction: all or nothing. The backup table is left in place; drop it when satisfied.
     *
     * @throws ConfigurationException ({@link ErrorCode#SCHEMA_OUTDATED}) when the table has not been upgraded (to
     *     version 4, for a backup holding sparse values),
     *     ({@link ErrorCode#INVALID_SETTING}) when there is no such backup table, or ({@link ErrorCode#SCHEMA_CONFLICT})
     *     when rows would have to be inserted into an application table whose NOT NULL columns the library cannot
     *     fill; nothing changes then
     */
    public BackupRestore restore(String backupTable) {
        Identifiers.require("backupTable", backupTable);
        String backup = names.qualify(backupTable);
        String shown = names.schema() + "." + backupTable;
        return inLockedTransaction("Restoring embeddings of " + names.display() + " from " + shown, (connection, executed) -> {
            TableShape shape = Catalog.read(connection, names);
            if (shape.schemaVersion() < 1 || !shape.exists()) {
                throw new ConfigurationException(ErrorCode.SCHEMA_OUTDATED, names.display() + " has no vectorstore columns"
                        + " to restore into. Run `vectorstore schema upgrade` first, then the restore.");
            }
            long total = backupRows(connection, backup, shown);
            boolean withSparse = backupHoldsSparseColumns(connection, backup);
            if (withSparse && shape.column(TableNames.SPARSE_INDICES).isEmpty()) {
                long sparse = Jdbc.first(connection, Jdbc.Statement.of("SELECT count(*) FROM " + backup + " WHERE "
                        + TableNames.column(TableNames.SPARSE_INDICES) + " IS NOT NULL"), row -> row.getLong(1)).orElseThrow();
                if (sparse > 0) {
                    throw new ConfigurationException(ErrorCode.SCHEMA_OUTDATED, sparse + " row(s) of " + shown + " hold"
                            + " sparse values, and " + names.display() + " has no columns for them (schema version "
                            + shape.schemaVersion() + "). Nothing was restored. " + PgVectorTable.SPARSE_UPGRADE
                            + " Then run the restore again.");
                }
                withSparse = false;
            }
            String key = " b." + TableNames.column(TableNames.NAMESPACE) + " = t." + TableNames.column(TableNames.NAMESPACE)
                    + " AND b." + names.id() + " = t." + names.id();
            List<String> restoredColumns = new ArrayList<>(names.libraryColumns());
            if (withSparse) {
                restoredColumns.addAll(TableNames.SPARSE_COLUMNS);
            }
            List<String> assignments = restoredColumns.stream().filter(c -> !c.equals(TableNames.NAMESPACE))
                    .map(c -> TableNames.column(c) + " = b." + TableNames.column(c)).toList();
            // Rows without an embedding; rows whose embedding column is the application's and still holds the backed-up
            // vector; and rows a downgrade to version 1-3 left as they were (the same vector, stamped at the same
            // instant: nothing has written them since), which get their sparse values back. A row that already holds
            // everything the backup has is left alone and not counted, so a second restore restores nothing.
            String embedding = TableNames.column(TableNames.EMBEDDING);
            String updatedAt = TableNames.column(TableNames.EMBEDDING_UPDATED_AT);
            String differs = restoredColumns.stream().filter(c -> !c.equals(TableNames.NAMESPACE))
                    .map(c -> "t." + TableNames.column(c) + " IS DISTINCT FROM b." + TableNames.column(c))
                    .collect(Collectors.joining(" OR ", "(", ")"));
            String update = "UPDATE " + names.qualified() + " t SET " + String.join(", ", assignments) + " FROM " + backup
                    + " b WHERE" + key + " AND (t." + embedding + " IS NULL OR ((t." + updatedAt + " IS NULL OR t." + updatedAt
                    + " = b." + updatedAt + ") AND t." + embedding + " = b." + embedding + " AND " + differs + "))";
            String columnList = String.join(", ", SchemaScripts.backupColumns(names, withSparse));
            String insert = "INSERT INTO " + names.qualified() + " (" + columnList + ") SELECT " + columnList + " FROM " + backup
                    + " b WHERE NOT EXISTS (SELECT 1 FROM " + names.qualified() + " t WHERE" + key + ")";
            long restored = count(connection, update, executed);
            long inserted;
            try {
                inserted = count(connection, insert, executed);
            } catch (SQLException e) {
                if (!"23502".equals(SqlErrors.sqlState(e))) {
                    throw e;
                }
                throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, "Some rows of " + shown + " have no row in "
                        + names.display() + " any more, and the table cannot take new rows: " + SqlErrors.primaryMessage(e)
                        + ". Nothing was restored. Recreate those rows with the application first, or restore only the"
                        + " rows that exist (UPDATE ... FROM " + shown + ").", e);
            }
            return new BackupRestore(shown, restored, inserted, total - restored - inserted);
        });
    }

    // Backups of a table at version 4 carry the sparse values' columns; earlier ones do not.
    private static boolean backupHoldsSparseColumns(Connection connection, String backup) throws SQLException {
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(?)"
                + " AND attname = ? AND NOT attisdropped", backup, TableNames.SPARSE_INDICES), row -> row.getLong(1))
                .orElseThrow() > 0;
    }

    private static long backupRows(Connection connection, String backup, String shown) throws SQLException {
        boolean exists = Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL", backup),
                row -> row.getBoolean(1)).orElseThrow();
        if (!exists) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, "There is no backup table " + shown
                    + ". Name the table that `vectorstore schema downgrade --backup-table NAME` created.");
        }
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT count(*) FROM " + backup), row -> row.getLong(1))
                .orElseThrow();
    }

    private static long count(Connection connection, String statement, List<String> executed) throws SQLException {
        try (PreparedStatement prepared = connection.prepareStatement(statement)) {
            long changed = prepared.executeLargeUpdate();
            executed.add(statement);
            return changed;
        }
    }

    /** The state of the extension, the table and its schema, and the row counts. */
    public SchemaStatus status() {
        return inTransaction("Schema status of " + names.display(), connection -> {
            TableShape shape = Catalog.read(connection, names);
            List<String> problems = new ArrayList<>();
            Optional<SchemaStatus.Index> vectorIndex = Optional.empty();
            OptionalInt dimension = OptionalInt.empty();
            // What is there is reported before any upgrade, too: an application's own vector column and index are
            // read from the catalog even when the library's other columns are still missing.
            Optional<VectorColumn> vector = existingVector(shape);
            if (vector.isPresent()) {
                dimension = OptionalInt.of(vector.get().dimension());
                VectorColumn indexed = shape.indexedAs(settings.metric(), vector.get());
                vectorIndex = shape.vectorIndex(settings.metric(), indexed).map(SchemaManager::index);
                if (vectorIndex.isPresent() && indexed.halfIndex() != vector.get().halfIndex()) {
                    problems.add("The vector index " + vectorIndex.get().name() + " works in " + indexed.indexPrecisionName()
                            + " precision but " + PgVectorSettings.INDEX_PRECISION.key() + " (" + settings.indexPrecision()
                            .configName() + ") asks for " + vector.get().indexPrecisionName() + ": the store keeps using"
                            + " it. Run `vectorstore schema upgrade --reindex` to rebuild it."
                            + " [docs/pgvector.md#full-or-half-precision]");
                }
            }
            Map<String, String> deferred = PgVectorTable.deferredIndexes(connection, names);
            try {
                // A sharded table's indexes are its shards' (ARCHITECTURE.md, "Shards"): `schema status --shards`.
                TableLayout layout = TableLayout.validate(shape, settings, ShardLayout.read(connection, names));
                if (vectorIndex.isEmpty() && !deferred.isEmpty()) {
                    problems.add("The vector index was dropped for a bulk load (" + String.join(", ", deferred.keySet())
                            + ") and is not rebuilt yet: queries scan the whole table. The migration rebuilds it when it"
                            + " completes: run `vectorstore migrate --resume`. [" + ErrorCode.INDEX_MISSING.docsLink() + "]");
                } else if (vectorIndex.isEmpty() && layout.shards().isEmpty()) {
                    problems.add("No HNSW index for " + settings.metric().configName() + " distance: queries scan the"
                            + " whole table. Run `vectorstore schema upgrade`. [" + ErrorCode.INDEX_MISSING.docsLink() + "]");
                }
            } catch (ConfigurationException e) {
                problems.add(e.getMessage());
            }
            if (shape.schemaVersion() < LATEST_VERSION && problems.isEmpty()) {
                problems.add("The schema is at version " + shape.schemaVersion() + " of " + LATEST_VERSION
                        + ". Run `vectorstore schema upgrade`. [" + ErrorCode.SCHEMA_OUTDATED.docsLink() + "]");
            }
            long[] counts = countRows(connection, shape);
            Calibrations.Tuning tuning = new Calibrations(names, settings, Duration.ZERO).tuning(connection, false);
            List<SearchCalibration> calibrations = Calibrations.tableExists(connection, names)
                    ? Calibrations.list(connection, names) : List.of();
            String searchSetting = "ef_search " + tuning.efSearch() + ", iterative_scan " + tuning.iterativeScan().sqlValue()
                    + " (" + tuning.source() + ")";
            if (ShardLayout.read(connection, names).isPresent()) {
                // A sharded table searches at each shard server's own setting (ARCHITECTURE.md, "Calibration").
                searchSetting = "per shard server: " + ShardServers.read(connection, names, false).stream()
                        .map(shard -> shard.server() + " " + shard.searchSetting(-1)).collect(Collectors.joining("; "));
            }
            return new SchemaStatus(names.display(), Optional.ofNullable(shape.extensionVersion()),
                    Optional.ofNullable(shape.availableExtensionVersion()), shape.exists(), shape.createdByLibrary(),
                    shape.columns().stream().map(c -> new SchemaStatus.Column(c.name(), c.type(), c.notNull(),
                            c.ownedByLibrary())).toList(),
                    dimension, shape.indexes().stream().map(SchemaManager::index).toList(), vectorIndex,
                    shape.schemaVersion(), LATEST_VERSION, counts[0], counts[1], problems,
                    searchSetting, calibrations, List.copyOf(deferred.values()),
                    PartitionLayout.summary(connection, names).map(PartitionLayout.Summary::describe), Optional.empty());
        });
    }

    private Optional<VectorColumn> existingVector(TableShape shape) {
        try {
            return shape.column(TableNames.EMBEDDING).map(column -> TableLayout.vectorColumn(column, settings, names));
        } catch (ConfigurationException e) {
            return Optional.empty(); // validate() reports it
        }
    }

    private static SchemaStatus.Index index(TableShape.Index index) {
        return new SchemaStatus.Index(index.name(), index.method(), index.operatorClasses(), index.options(),
                index.definition());
    }

    private long[] countRows(Connection connection, TableShape shape) throws SQLException {
        if (!shape.exists() || shape.column(TableNames.EMBEDDING).isEmpty()) {
            return new long[] {0, 0};
        }
        String embedding = TableNames.column(TableNames.EMBEDDING);
        return Jdbc.first(connection, Jdbc.Statement.of("SELECT count(*) FILTER (WHERE " + embedding
                + " IS NOT NULL), count(*) FILTER (WHERE " + embedding + " IS NULL) FROM " + names.qualified()),
                row -> new long[] {row.getLong(1), row.getLong(2)}).orElseThrow();
    }

    private void checkPopulated(Connection connection, TableShape shape, int from, DowngradeOptions options)
            throws SQLException {
        if (makesBackup(from, options)) {
            boolean exists = Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL",
                    names.qualify(options.backupTable())), row -> row.getBoolean(1)).orElseThrow();
            if (exists) {
                throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, "The backup table " + names.schema()
                        + "." + options.backupTable() + " already exists. Choose a new name; the downgrade never"
                        + " overwrites a table.");
            }
        }
        if (options.toVersion() > 0) {
            return; // the dense embeddings stay; the sparse values' step refuses by itself (SchemaScripts.sparseDown)
        }
        long populated = countRows(connection, shape)[0];
        if (populated > 0 && options.populated() == DowngradeOptions.Populated.REFUSE) {
            throw new ConfigurationException(ErrorCode.DOWNGRADE_REFUSED, populated + " row(s) of " + names.display()
                    + " hold embeddings, which the downgrade would drop. Nothing was changed. Preserve them in a backup"
                    + " table first (--backup-table NAME, DowngradeOptions.backupTo(name)), or confirm that they may go"
                    + " (--drop-embeddings, DowngradeOptions.dropEmbeddings()).");
        }
    }

    private static List<String> upStep(PgVectorSettings settings, int version, VectorColumn vector,
                                       UpgradeOptions options) {
        TableNames names = TableNames.of(settings);
        return switch (version) {
            case 1 -> SchemaScripts.columnsUp(names, vector);
            case 2 -> SchemaScripts.indexesUp(names, vector, settings.metric(), settings.hnswM(),
                    settings.hnswEfConstruction(), options.vectorIndex());
            case 3 -> SchemaScripts.metadataUp(names);
            case 4 -> SchemaScripts.sparseUp(names);
            default -> throw new IllegalStateException("unknown schema version " + version);
        };
    }

    // The statements of a downgrade from version `from`: the backup first, while every column it copies still
    // exists, then each version's step down. Populated columns are dropped only when backed up or confirmed.
    private static List<String> downgradeSteps(TableNames names, int from, DowngradeOptions options) {
        List<String> statements = new ArrayList<>();
        if (makesBackup(from, options)) {
            statements.add(SchemaScripts.backup(names, options.backupTable()));
        }
        for (int version = from; version > options.toVersion(); version--) {
            statements.addAll(downStep(names, version, options));
        }
        return statements;
    }

    // A backup is made when one is asked for and the downgrade drops columns holding record data: the embeddings
    // (below version 1) or the sparse values (below version 4).
    private static boolean makesBackup(int from, DowngradeOptions options) {
        return options.populated() == DowngradeOptions.Populated.BACKUP && options.toVersion() < from
                && (options.toVersion() == 0 || (from >= 4 && options.toVersion() < 4));
    }

    private static List<String> downStep(TableNames names, int version, DowngradeOptions options) {
        boolean keepsOrDrops = options.populated() != DowngradeOptions.Populated.REFUSE;
        return switch (version) {
            case 1 -> SchemaScripts.columnsDown(names, !keepsOrDrops);
            case 2 -> SchemaScripts.indexesDown(names);
            case 3 -> options.toVersion() == 0 ? SchemaScripts.forgetMetadataVersion(names) : SchemaScripts.metadataDown(names);
            case 4 -> SchemaScripts.sparseDown(names, keepsOrDrops);
            default -> throw new IllegalStateException("unknown schema version " + version);
        };
    }

    private interface LockedWork<T> {
        T run(Connection connection, List<String> executed) throws SQLException;
    }

    private <T> T inLockedTransaction(String action, LockedWork<T> work) {
        return inTransaction(action, connection -> {
            List<String> executed = new ArrayList<>();
            run(connection, SchemaScripts.lock(), executed);
            return work.run(connection, executed);
        });
    }

    private <T> T inTransaction(String action, Jdbc.Work<T> work) {
        return database.inTransaction(action, work);
    }

    private VectorStoreException translate(SQLException failure, String action) {
        String state = SqlErrors.sqlState(failure);
        String message = SqlErrors.primaryMessage(failure);
        if (state.equals("42501") && message.contains("extension")) {
            return new ConfigurationException(ErrorCode.INSUFFICIENT_PRIVILEGE, action + " failed: " + message
                    + ". Enabling pgvector needs a superuser: have one run CREATE EXTENSION vector in this database,"
                    + " then run the upgrade again.", failure);
        }
        if (state.equals("0A000") && message.startsWith("vectorstore:")) {
            return new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, action + " failed: " + message + ". Nothing was"
                    + " changed. Partition it in your own migration (docs/pgvector.md, \"Namespaces as partitions\";"
                    + " `vectorstore schema sql --partition-by namespace` prints the library's plan), or keep one table.",
                    failure);
        }
        if (state.equals("55006") && message.startsWith("vectorstore:")) {
            return new ConfigurationException(ErrorCode.DOWNGRADE_REFUSED, action + " failed: " + message
                    + ". Preserve the embeddings in a backup table first, or confirm that they may go.", failure);
        }
        return SqlErrors.translate(failure, action, names.display());
    }

    private static void run(Connection connection, String statement, List<String> executed) throws SQLException {
        Jdbc.execute(connection, statement);
        executed.add(statement);
    }
}
