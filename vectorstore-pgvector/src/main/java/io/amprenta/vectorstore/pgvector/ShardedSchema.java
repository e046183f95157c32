package io.amprenta.vectorstore.pgvector;

import com.zaxxer.hikari.HikariDataSource;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.internal.PostgresUrl;
import io.amprenta.vectorstore.pgvector.internal.Database;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The schema of a table sharded across PostgreSQL servers with PostgreSQL's own machinery (ARCHITECTURE.md,
 * "Shards"): the library's table on every shard (made by {@link SchemaManager}, as for one server), and on the
 * coordinator ({@code DATABASE_URL}) the {@code postgres_fdw} extension, one foreign server per shard
 * ({@code extensions 'vector'} so distance operators are sent to the shard, {@code async_capable} so shards are
 * queried concurrently, {@code batch_size} for routed inserts, and the shard-side scan settings as the connection's
 * {@code options}, since {@code postgres_fdw} does not forward session settings), a user mapping per server, and the
 * table itself as a HASH-partitioned parent whose partitions are foreign tables, one per shard. Rows go to the shard
 * PostgreSQL's hash of the key (the namespace or the id) picks, by its own tuple routing.
 *
 * <p>Passwords reach the user mappings from the shard URLs and are never printed: {@link #sql()} writes psql
 * variables in their place ({@code :'shard_0_password'}).
 */
public final class ShardedSchema {

    /** The column whose hash picks a record's shard. */
    public enum ShardKey {
        /** Every record of a namespace on one shard: a query in one namespace reads one shard. */
        NAMESPACE,
        /** Records spread evenly whatever the namespaces: every query reads every shard. */
        ID;

        /** The name the command line takes. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The key named {@code name} ({@code namespace} or {@code id}). */
        public static ShardKey of(String name) {
            for (ShardKey key : values()) {
                if (key.configName().equals(name)) {
                    return key;
                }
            }
            throw VectorStoreConfig.invalid("--shard-by", name, "namespace or id");
        }
    }

    /** The rows a routed insert sends to a shard in one round trip. */
    static final int BATCH_SIZE = 1_000;

    private final DataSource coordinator;
    private final PgVectorSettings settings;
    private final ShardKey key;
    private final List<String> shardUrls;
    private final List<PostgresUrl> shards;
    private final TableNames names;

    private ShardedSchema(DataSource coordinator, PgVectorSettings settings, ShardKey key, List<String> shardUrls) {
        this.coordinator = coordinator;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.key = Objects.requireNonNull(key, "key");
        this.shardUrls = List.copyOf(shardUrls);
        if (this.shardUrls.isEmpty()) {
            throw new ConfigurationException(ErrorCode.INVALID_SETTING, "--shards lists no shard: give the URL of each"
                    + " shard server's database, separated by commas (postgresql://user:password@host:port/database).");
        }
        List<PostgresUrl> parsed = new ArrayList<>();
        for (String url : this.shardUrls) {
            PostgresUrl shard = PostgresUrl.parse(url);
            if (shard.hosts().size() != 1 || shard.database() == null || shard.user() == null) {
                throw VectorStoreConfig.invalid("--shards", PostgresUrl.redact(url), "one host, a database and a user"
                        + " per shard (postgresql://user:password@host:port/database)");
            }
            parsed.add(shard);
        }
        this.shards = List.copyOf(parsed);
        this.names = TableNames.of(settings);
        if (settings.dimension() <= 0) {
            throw new ConfigurationException(ErrorCode.MISSING_SETTING, "PGVECTOR_DIMENSION is not set: a sharded table"
                    + " is created on every shard and on the coordinator, and its vector column needs the dimension.");
        }
    }

    /**
     * The sharded schema of the table {@code settings} name, coordinated from the database of {@code coordinator}
     * (null when only {@link #sql()} is wanted) over the shard databases {@code shardUrls}, in order.
     */
    public static ShardedSchema create(DataSource coordinator, PgVectorSettings settings, ShardKey key,
                                       List<String> shardUrls) {
        return new ShardedSchema(coordinator, settings, key, shardUrls);
    }

    /**
     * Upgrades the table on every shard ({@link SchemaManager#upgrade(UpgradeOptions)}), then creates what the
     * coordinator lacks, in one transaction. Idempotent; refuses (changing nothing on the coordinator) when the
     * coordinator already holds the table unsharded or over a different number of shards.
     */
    public SchemaChange upgrade(UpgradeOptions options) {
        List<String> changes = new ArrayList<>();
        int from = Integer.MAX_VALUE;
        int to = 0;
        for (int i = 0; i < shards.size(); i++) {
            SchemaChange change = onShard(i, manager -> manager.upgrade(options));
            from = Math.min(from, change.fromVersion());
            to = Math.max(to, change.toVersion());
            int shard = i;
            change.changes().forEach(line -> changes.add("shard " + shard + ": " + line));
        }
        List<String> statements = coordinatorSql(false);
        boolean created = database().inTransaction("Sharding " + names.display(), connection -> {
            Optional<ShardLayout> existing = ShardLayout.read(connection, names);
            boolean table = Jdbc.first(connection, Jdbc.Statement.of("SELECT to_regclass(?) IS NOT NULL", names.qualified()),
                    row -> row.getBoolean(1)).orElseThrow();
            if (existing.isPresent() && existing.get().partitions().size() == shards.size()) {
                return false;
            }
            if (table) {
                throw new ConfigurationException(ErrorCode.SCHEMA_CONFLICT, "The coordinator already has a table "
                        + names.display() + (existing.isPresent() ? " over " + existing.get().partitions().size()
                        + " shards, not " + shards.size() : " that is not sharded") + "; nothing was changed on it."
                        + " Resharding is a migration: create the sharded table under another PGVECTOR_TABLE and copy"
                        + " the records (`vectorstore migrate` from the old store), or downgrade it first.");
            }
            for (String statement : statements) {
                Jdbc.execute(connection, Jdbc.Statement.of(statement));
            }
            return true;
        });
        if (created) {
            changes.add("coordinator: postgres_fdw servers, user mappings and " + names.display()
                    + " as a HASH (" + key.configName() + ") partitioned table over " + shards.size() + " shards");
        }
        return new SchemaChange(from == Integer.MAX_VALUE ? 0 : from, to, changes, created ? statements.stream()
                .map(ShardedSchema::withoutPasswords).toList() : List.of(), Optional.empty());
    }

    /**
     * Removes the coordinator's parent table, foreign servers and user mappings (the shards' rows stay where they
     * are), then downgrades every shard with {@code options}.
     */
    public SchemaChange downgrade(DowngradeOptions options) {
        List<String> changes = new ArrayList<>();
        List<String> statements = dropSql();
        database().inTransaction("Unsharding " + names.display(), connection -> {
            for (String statement : statements) {
                Jdbc.execute(connection, Jdbc.Statement.of(statement));
            }
            return null;
        });
        changes.add("coordinator: dropped " + names.display() + "'s foreign partitions, servers and user mappings");
        int from = 0;
        int to = Integer.MAX_VALUE;
        for (int i = 0; i < shards.size(); i++) {
            SchemaChange change = onShard(i, manager -> manager.downgrade(options));
            from = Math.max(from, change.fromVersion());
            to = Math.min(to, change.toVersion());
            int shard = i;
            change.changes().forEach(line -> changes.add("shard " + shard + ": " + line));
        }
        return new SchemaChange(from, to == Integer.MAX_VALUE ? 0 : to, changes, statements, Optional.empty());
    }

    /**
     * The status of the table on every shard, in order ({@link SchemaManager#status()}), each with the coordinator's
     * row estimate of the shard's partition ({@link SchemaStatus#shardStatistics()}); a partition the coordinator never
     * analyzed is a problem, since queries then fetch every row of its shard.
     */
    public List<SchemaStatus> status() {
        List<String> partitions = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            partitions.add(names.qualify(partitionName(i)));
        }
        List<Long> estimates = database().withConnection("Reading the coordinator's statistics of " + names.display(),
                connection -> ShardStatistics.estimates(connection, partitions));
        List<SchemaStatus> statuses = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            long estimate = estimates.get(i);
            statuses.add(onShard(i, SchemaManager::status).withShardStatistics(ShardStatistics.describe(estimate),
                    ShardStatistics.problem(partitions.get(i), estimate)));
        }
        return statuses;
    }

    /**
     * The coordinator's SQL, for teams that apply it with their own tools: passwords appear as psql variables
     * ({@code psql -v shard_0_password=...}); each shard's own schema is {@code vectorstore schema sql} run with that
     * shard's {@code DATABASE_URL}.
     */
    public SchemaScript sql() {
        return new SchemaScript(coordinatorSql(true), dropSql());
    }

    private List<String> coordinatorSql(boolean printable) {
        VectorColumn vector = new VectorColumn(VectorColumn.Type.VECTOR, settings.dimension());
        List<String> sql = new ArrayList<>(SchemaScripts.upgradePrologue(names));
        sql.add("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
        StringBuilder parent = new StringBuilder("CREATE TABLE ").append(names.qualified()).append(" (\n  ")
                .append(names.id()).append(" text COLLATE \"C\" NOT NULL");
        for (String column : TableNames.FIXED_COLUMNS) {
            parent.append(",\n  ").append(TableNames.column(column)).append(' ')
                    .append(SchemaScripts.columnDefinition(column, vector));
        }
        parent.append(",\n  ").append(names.metadata()).append(" jsonb");
        for (String column : TableNames.SPARSE_COLUMNS) {
            parent.append(",\n  ").append(TableNames.column(column)).append(' ')
                    .append(SchemaScripts.columnDefinition(column, vector));
        }
        parent.append("\n) PARTITION BY HASH (").append(key == ShardKey.NAMESPACE
                ? TableNames.column(TableNames.NAMESPACE) : names.id()).append(')');
        for (int i = 0; i < shards.size(); i++) {
            PostgresUrl shard = shards.get(i);
            String server = Identifiers.quote(serverName(i));
            PostgresUrl.Host host = shard.hosts().get(0);
            sql.add("CREATE SERVER IF NOT EXISTS " + server + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
                    + Identifiers.literal(host.name()) + ", port " + Identifiers.literal(String.valueOf(host.port().orElse(5432)))
                    + ", dbname " + Identifiers.literal(shard.database()) + ", extensions 'vector', async_capable 'true',"
                    + " batch_size " + Identifiers.literal(String.valueOf(BATCH_SIZE)) + ", options "
                    + Identifiers.literal(shardOptions()) + ")");
            sql.add(remoteSampling(serverName(i)));
            String password = shard.password() == null ? "" : ", password " + (printable
                    ? ":'shard_" + i + "_password'" : Identifiers.literal(shard.password()));
            sql.add("CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER " + server + " OPTIONS (user "
                    + Identifiers.literal(shard.user()) + password + ")");
        }
        sql.add(parent.toString());
        sql.add("COMMENT ON TABLE " + names.qualified() + " IS " + Identifiers.literal(TableShape.MARKER
                + " sharded by schema upgrade --shards; schema downgrade drops it (the shards keep their rows)"));
        // The coordinator records the versions too: status and the migrator's preflight read them there.
        for (int version = 1; version <= SchemaScripts.LATEST_VERSION; version++) {
            sql.add(SchemaScripts.recordVersion(names, version));
        }
        for (int i = 0; i < shards.size(); i++) {
            sql.add("CREATE FOREIGN TABLE " + names.qualify(partitionName(i)) + " PARTITION OF " + names.qualified()
                    + " FOR VALUES WITH (MODULUS " + shards.size() + ", REMAINDER " + i + ") SERVER "
                    + Identifiers.quote(serverName(i)) + " OPTIONS (schema_name " + Identifiers.literal(names.schema())
                    + ", table_name " + Identifiers.literal(names.table()) + ")");
        }
        // The shards may hold rows already; without statistics the coordinator would fetch them all for every query
        // (ARCHITECTURE.md, "Shards"). Stores keep the statistics current from here on.
        for (int i = 0; i < shards.size(); i++) {
            sql.add(ShardStatistics.analyzeSql(names.qualify(partitionName(i))));
        }
        return sql;
    }

    /**
     * On PostgreSQL 16 and later, where {@code postgres_fdw} can sample on the shard, has the server's {@code ANALYZE}
     * do so ({@code analyze_sampling 'auto'}) instead of fetching every row; PostgreSQL 15 lacks the option. A
     * {@code DO} block, so that {@link #sql()}, which does not connect, prints what {@link #upgrade} runs.
     */
    private static String remoteSampling(String server) {
        return "DO $$BEGIN IF current_setting('server_version_num')::int >= 160000 AND NOT EXISTS (SELECT FROM"
                + " pg_foreign_server, unnest(srvoptions) AS option WHERE srvname = " + Identifiers.literal(server)
                + " AND option LIKE 'analyze\\_sampling=%') THEN ALTER SERVER " + Identifiers.quote(server)
                + " OPTIONS (ADD analyze_sampling 'auto'); END IF; END$$";
    }

    private List<String> dropSql() {
        List<String> sql = new ArrayList<>();
        sql.add("DROP TABLE IF EXISTS " + names.qualified());
        for (int i = 0; i < shards.size(); i++) {
            String server = Identifiers.quote(serverName(i));
            sql.add("DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER " + server);
            sql.add("DROP SERVER IF EXISTS " + server);
        }
        return sql;
    }

    /**
     * The settings each shard's sessions start with: {@code postgres_fdw} forwards no session settings, so a
     * query's {@code hnsw.ef_search} and iterative scan must be the shard connection's own (ARCHITECTURE.md,
     * "Shards"). Relaxed-order iterative scans let a shard return k rows whatever ef_search is; the coordinator
     * re-sorts.
     */
    String shardOptions() {
        return shardOptions(settings.efSearch(), settings.maxScanTuples());
    }

    /**
     * The foreign server's {@code options} for a shard searched with {@code efSearch}: the one place they are written,
     * at schema time and when a calibration is saved for the shard (ARCHITECTURE.md, "Calibration").
     */
    static String shardOptions(int efSearch, int maxScanTuples) {
        return "-c hnsw.ef_search=" + efSearch + " -c hnsw.iterative_scan=relaxed_order"
                + " -c hnsw.max_scan_tuples=" + maxScanTuples;
    }

    private String serverName(int shard) {
        return Identifiers.derived(names.table(), "shard_" + shard);
    }

    private String partitionName(int shard) {
        return Identifiers.derived(names.table(), "shard_" + shard);
    }

    private static String withoutPasswords(String statement) {
        return statement.replaceAll("password '(?:[^']|'')*'", "password '********'");
    }

    private Database database() {
        if (coordinator == null) {
            throw new IllegalStateException("This ShardedSchema was created without a coordinator DataSource");
        }
        return new Database(coordinator, RetryPolicy.none(), Duration.ZERO, Map.of(), names.display());
    }

    private <T> T onShard(int shard, Function<SchemaManager, T> action) {
        try (HikariDataSource dataSource = PgDataSources.create(VectorStoreConfig.of(Map.of(
                PgDataSources.DATABASE_URL.key(), shardUrls.get(shard))), 1)) {
            return action.apply(SchemaManager.create(dataSource, settings));
        }
    }
}
