package io.amprenta.vectorstore.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.pgvector.BackupRestore;
import io.amprenta.vectorstore.pgvector.DowngradeOptions;
import io.amprenta.vectorstore.pgvector.Partitioning;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pgvector.SchemaChange;
import io.amprenta.vectorstore.pgvector.SchemaManager;
import io.amprenta.vectorstore.pgvector.SchemaScript;
import io.amprenta.vectorstore.pgvector.SchemaStatus;
import io.amprenta.vectorstore.pgvector.ShardedSchema;
import io.amprenta.vectorstore.pgvector.UpgradeOptions;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code vectorstore schema upgrade | downgrade | restore | status | sql}: the pgvector table's schema, from the
 * {@code DATABASE_URL} and {@code PGVECTOR_*} settings.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Prepare, inspect or remove the pgvector schema of the table (PGVECTOR_TABLE, default rag_chunks).")
final class SchemaCommand {

    @ParentCommand
    private VectorstoreCli cli;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as JSON.")
    private boolean json;

    @Command(name = "upgrade", mixinStandardHelpOptions = true, description = {
        "Enable the vector extension, add the library's columns to the existing table (or create it), and build",
        "the HNSW index and the filtering indexes. Idempotent; the application's columns and rows are untouched."})
    int upgrade(@Option(names = "--defer-index", description = "Do not build the HNSW index now (build it after a bulk"
                        + " load: `vectorstore migrate --defer-index` does).") boolean deferIndex,
                @Option(names = "--to", description = "Schema version to reach (default: the latest).") Integer version,
                @Option(names = "--reindex", description = {"Then rebuild the HNSW index when it works in another precision",
                    "than PGVECTOR_INDEX_PRECISION asks for (queries and writes wait for the build)."}) boolean reindex,
                @Option(names = "--partition-by", paramLabel = "namespace", converter = PartitionByConverter.class,
                        description = "Partition the table by namespace: one LIST partition (and HNSW index) per"
                        + " namespace, created on its first write, and a default partition.") Partitioning partitioning,
                @Option(names = "--no-calibrate", description = {"Skip the recall calibration run at the end on a populated,",
                    "indexed table (as `calibrate --save` would)."}) boolean noCalibrate,
                @Mixin Shards shards) {
        UpgradeOptions options = UpgradeOptions.latest().partitionBy(partitioning == null ? Partitioning.NONE : partitioning);
        options = deferIndex ? options.deferVectorIndex() : options;
        options = version == null ? options : options.to(version);
        UpgradeOptions chosen = options;
        if (shards.sharded()) {
            return sharded(shards, schema -> schema.upgrade(chosen));
        }
        int exit = change(manager -> reindex ? manager.upgrade(chosen).followedBy(manager.reindex()) : manager.upgrade(chosen));
        if (!noCalibrate && version == null) {
            // A populated table's index was just built or kept: measure what meets the recall target on its data
            // (ARCHITECTURE.md, "Calibration").
            AfterLoadCalibration.run(cli.config(), cli.output(json));
        }
        return exit;
    }

    @Command(name = "downgrade", mixinStandardHelpOptions = true, description = {
        "Remove the library's schema down to a version (default 0: nothing left). Refuses to drop embeddings that",
        "rows hold unless --backup-table or --drop-embeddings says what to do with them."})
    int downgrade(@Option(names = "--to", defaultValue = "0", description = "Schema version to go back to (default: ${DEFAULT-VALUE}).") int version,
                  @ArgGroup(exclusive = true) Populated populated, @Mixin Shards shards) {
        DowngradeOptions options = DowngradeOptions.toNothing().to(version);
        if (populated != null && populated.backupTable != null) {
            options = options.backupTo(populated.backupTable);
        } else if (populated != null && populated.dropEmbeddings) {
            options = options.dropEmbeddings();
        }
        DowngradeOptions chosen = options;
        if (shards.sharded()) {
            return sharded(shards, schema -> schema.downgrade(chosen));
        }
        return change(manager -> manager.downgrade(chosen));
    }

    /** What a downgrade does with populated embeddings. */
    static final class Populated {
        @Option(names = "--backup-table", description = "First copy the embedded rows' library columns into this new table.")
        String backupTable;

        @Option(names = "--drop-embeddings", description = "Drop populated embeddings without a backup.")
        boolean dropEmbeddings;
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = {
        "Write the embeddings a `downgrade --backup-table` preserved back into the table, after `upgrade`: rows",
        "without an embedding get theirs back, rows the table no longer has are inserted, and rows that hold an",
        "embedding again are left alone. One transaction. The backup table is kept; drop it when satisfied."})
    int restore(@Option(names = "--from-table", required = true, description = "The backup table to read.") String backupTable) {
        Output output = cli.output(json);
        BackupRestore restore = withManager(manager -> manager.restore(backupTable));
        output.result(restore);
        output.line(String.format("restored %,d embeddings from %s: %,d into existing rows, %,d as new rows; %,d rows"
                        + " already had an embedding and were left as they are", restore.restored() + restore.inserted(),
                restore.backupTable(), restore.restored(), restore.inserted(), restore.skipped()));
        return ExitCode.OK;
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Report the extension, table, columns, dimension, indexes, schema version and row counts.",
        "Exit code 0 when the schema is current, 4 when an upgrade is needed or there are problems."})
    int status(@Mixin Shards shards) {
        Output output = cli.output(json);
        if (shards.sharded()) {
            List<SchemaStatus> statuses = withDataSource(dataSource -> shards.schema(dataSource, cli).status());
            output.result(statuses);
            boolean current = true;
            for (int i = 0; i < statuses.size(); i++) {
                output.line("shard " + i + ":");
                output.line(statuses.get(i).describe().stripTrailing());
                current &= statuses.get(i).isCurrent();
            }
            return current ? ExitCode.OK : ExitCode.FINDINGS;
        }
        SchemaStatus status = withManager(SchemaManager::status);
        output.result(status);
        output.line(status.describe().stripTrailing());
        return status.isCurrent() ? ExitCode.OK : ExitCode.FINDINGS;
    }

    @Command(name = "sql", mixinStandardHelpOptions = true, description = {
        "Print the upgrade (or downgrade) SQL without connecting, for Flyway, Liquibase or Alembic.",
        "Needs PGVECTOR_DIMENSION, since there is no table to read it from; with --pending it connects and prints",
        "only the statements the table still needs."})
    int sql(@Option(names = "--downgrade", description = "Print the downgrade SQL instead.") boolean downgrade,
            @Option(names = "--defer-index", description = "Leave the HNSW index out of the upgrade.") boolean deferIndex,
            @Option(names = "--partition-by", paramLabel = "namespace", converter = PartitionByConverter.class,
                    description = "Print the upgrade that partitions the table by namespace.") Partitioning partitioning,
            @Option(names = "--pending", description = "Connect, read the table, and print only the steps not yet"
                    + " applied (no vector index when one serves the metric already).") boolean pending,
            @Mixin Shards shards) {
        Output output = cli.output(json);
        if (shards.sharded()) {
            SchemaScript script = shards.schema(null, cli).sql();
            output.result(script);
            output.line(downgrade ? script.downgradeSql() : script.upgradeSql());
            return ExitCode.OK;
        }
        UpgradeOptions latest = UpgradeOptions.latest().partitionBy(partitioning == null ? Partitioning.NONE : partitioning);
        UpgradeOptions upgrade = deferIndex ? latest.deferVectorIndex() : latest;
        SchemaScript script = pending
                ? withManager(manager -> manager.pendingSql(upgrade))
                : SchemaManager.sql(PgVectorSettings.fromConfig(cli.config()), upgrade, DowngradeOptions.toNothing());
        output.result(script);
        output.line(downgrade ? script.downgradeSql() : script.upgradeSql());
        return ExitCode.OK;
    }

    /** Reads {@code --partition-by}: {@code none} or {@code namespace}. */
    static final class PartitionByConverter implements CommandLine.ITypeConverter<Partitioning> {
        @Override
        public Partitioning convert(String value) {
            try {
                return Partitioning.fromOptionValue(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private int change(Function<SchemaManager, SchemaChange> action) {
        return report(withManager(action));
    }

    private int report(SchemaChange change) {
        Output output = cli.output(json);
        output.result(change);
        output.line("schema version " + change.fromVersion() + " -> " + change.toVersion()
                + (change.changedAnything() ? "" : " (nothing to change)"));
        change.changes().forEach(line -> output.line("  " + line));
        change.backupTable().ifPresent(table -> output.line("embeddings preserved in table " + table));
        return ExitCode.OK;
    }

    private <T> T withManager(Function<SchemaManager, T> action) {
        return withDataSource(dataSource -> action.apply(SchemaManager.create(dataSource,
                PgVectorSettings.fromConfig(cli.config()))));
    }

    private <T> T withDataSource(Function<HikariDataSource, T> action) {
        try (HikariDataSource dataSource = PgDataSources.create(cli.config(), 2)) {
            return action.apply(dataSource);
        }
    }

    private int sharded(Shards shards, Function<ShardedSchema, SchemaChange> action) {
        return report(withDataSource(dataSource -> action.apply(shards.schema(dataSource, cli))));
    }

    /**
     * The shard servers of a table sharded with {@code postgres_fdw} (docs/scaling.md, "Shards"). The URLs carry the
     * shards' passwords: pass them in an argument file ({@code @shards.txt}, which picocli expands) rather than on
     * the command line, where other users of the machine can read them.
     */
    static final class Shards {
        @Option(names = "--shards", split = ",", paramLabel = "URL", description = "The shard servers' databases"
                + " (postgresql://user:password@host:port/db, comma-separated): the table is sharded across them through"
                + " postgres_fdw, coordinated from DATABASE_URL.")
        List<String> urls;

        @Option(names = "--shard-by", defaultValue = "id", paramLabel = "namespace|id", description = "What picks a"
                + " record's shard, with --shards: its namespace or its id (default: ${DEFAULT-VALUE}).")
        String key;

        boolean sharded() {
            return urls != null;
        }

        ShardedSchema schema(HikariDataSource coordinator, VectorstoreCli cli) {
            return ShardedSchema.create(coordinator, PgVectorSettings.fromConfig(cli.config()), ShardedSchema.ShardKey.of(key),
                    urls);
        }
    }
}
