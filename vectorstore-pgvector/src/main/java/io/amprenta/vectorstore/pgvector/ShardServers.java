package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.pgvector.internal.Jdbc;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a sharded table's shard servers from the coordinator's catalog ({@link ShardServer}) and stores a per-shard
 * calibration where it takes effect: the foreign server's {@code options}, which every new shard session starts with
 * (ARCHITECTURE.md, "Shards" and "Calibration").
 */
final class ShardServers {

    /** pgvector's own default, in force on a shard whose server options set no ef_search. */
    static final int PGVECTOR_DEFAULT_EF_SEARCH = 40;

    private static final Pattern EF_SEARCH = Pattern.compile("hnsw\\.ef_search=(\\d+)");
    private static final Pattern MAX_SCAN_TUPLES = Pattern.compile("hnsw\\.max_scan_tuples=(\\d+)");

    // One row per foreign partition of the parent: its server's options and the current user's mapping (its own
    // before PUBLIC's, as postgres_fdw picks it). pg_user_mappings shows umoptions (the password) only to the mapped
    // user holding USAGE on the server, the server's owner, or a superuser; otherwise it is null.
    private static final String SERVERS = "SELECT c.relname, s.srvname, s.srvoptions, um.found, um.umoptions"
            + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_foreign_table ft ON ft.ftrelid = c.oid"
            + " JOIN pg_foreign_server s ON s.oid = ft.ftserver LEFT JOIN LATERAL (SELECT true AS found, m.umoptions"
            + " FROM pg_user_mappings m WHERE m.srvid = s.oid AND m.usename IN (current_user, 'public')"
            + " ORDER BY m.usename = 'public' LIMIT 1) um ON true WHERE i.inhparent = to_regclass(?) ORDER BY c.relname";

    // One row of SERVERS; login is null when the current user may not read the mapping's options.
    private record ServerRow(String partition, String server, Map<String, String> serverOptions, boolean mapped,
                             Map<String, String> login) {
    }

    private ShardServers() {
    }

    /**
     * The shard servers of the sharded table {@code names}, in partition order; {@code forConnecting} when they are
     * to be reached (their logins must be readable), not only described.
     *
     * @throws ConfigurationException when connecting and the current user has no user mapping for a server, or may
     *     not read its login
     */
    static List<ShardServer> read(Connection connection, TableNames names, boolean forConnecting) throws SQLException {
        List<ServerRow> rows = Jdbc.list(connection, Jdbc.Statement.of(SERVERS, names.qualified()), row -> new ServerRow(
                row.getString(1), row.getString(2), options(row.getArray(3)), row.getObject(4) != null,
                row.getArray(5) == null ? null : options(row.getArray(5))));
        boolean calibrated = Calibrations.tableExists(connection, names);
        List<ShardServer> servers = new ArrayList<>();
        for (ServerRow row : rows) {
            String partition = row.partition();
            String server = row.server();
            Map<String, String> serverOptions = row.serverOptions();
            Map<String, String> login = row.login();
            if (forConnecting && !row.mapped()) {
                throw new ConfigurationException(ErrorCode.INSUFFICIENT_PRIVILEGE, "The coordinator has no user mapping"
                        + " for the current user on shard server " + server + ", so the shard cannot be reached as the"
                        + " coordinator reaches it. Run as the user the sharded table was created by, or calibrate each"
                        + " shard on its own: DATABASE_URL=<that shard's URL> vectorstore calibrate.");
            }
            if (forConnecting && login == null) {
                throw new ConfigurationException(ErrorCode.INSUFFICIENT_PRIVILEGE, "The login of the user mapping for"
                        + " shard server " + server + " cannot be read by the current user (PostgreSQL shows it only to"
                        + " the mapped user with USAGE on the server, the server's owner, or a superuser): GRANT USAGE ON"
                        + " FOREIGN SERVER " + Identifiers.quote(server) + " TO the current user, run as the server's owner,"
                        + " or calibrate each shard on its own: DATABASE_URL=<that shard's URL> vectorstore calibrate."
                        + " Nothing was changed.");
            }
            if (login == null) {
                login = Map.of();
            }
            String shardOptions = serverOptions.getOrDefault("options", "");
            TableNames partitionNames = partitionNames(names, partition);
            servers.add(new ShardServer(server, partition, serverOptions.getOrDefault("host", "localhost"),
                    Integer.parseInt(serverOptions.getOrDefault("port", "5432")),
                    serverOptions.getOrDefault("dbname", login.getOrDefault("user", "postgres")), login.get("user"),
                    login.get("password"), setting(EF_SEARCH, shardOptions, PGVECTOR_DEFAULT_EF_SEARCH),
                    setting(MAX_SCAN_TUPLES, shardOptions, PgVectorSettings.MAX_SCAN_TUPLES.defaultValue().orElseThrow()),
                    calibrated ? Calibrations.list(connection, partitionNames) : List.of()));
        }
        return servers;
    }

    /**
     * Stores each shard's calibration on the coordinator (keyed by its partition, so that the coordinator's own
     * searches, whose session settings never reach a shard, do not take it up) and sets its ef_search in the foreign
     * server's {@code options}, all in the caller's transaction. An unfiltered calibration sets the shard's ef_search;
     * a filtered one only raises it, since the one setting of a shard serves both kinds of query.
     */
    static void save(Connection connection, TableNames names, Map<ShardServer, SearchCalibration> calibrations)
            throws SQLException {
        for (Map.Entry<ShardServer, SearchCalibration> entry : calibrations.entrySet()) {
            ShardServer shard = entry.getKey();
            SearchCalibration calibration = entry.getValue();
            Calibrations.save(connection, partitionNames(names, shard.partition()), calibration);
            int efSearch = calibration.filtered() ? Math.max(calibration.efSearch(), shard.efSearch()) : calibration.efSearch();
            boolean hasOptions = Jdbc.first(connection, Jdbc.Statement.of("SELECT EXISTS (SELECT FROM pg_foreign_server,"
                    + " unnest(srvoptions) AS option WHERE srvname = ? AND option LIKE 'options=%')", shard.server()),
                    row -> row.getBoolean(1)).orElse(false);
            // postgres_fdw drops its cached connections to a server whose options change, so every new shard session,
            // and every existing one at its next transaction, starts with the new setting.
            Jdbc.execute(connection, Jdbc.Statement.of("ALTER SERVER " + Identifiers.quote(shard.server()) + " OPTIONS ("
                    + (hasOptions ? "SET" : "ADD") + " options "
                    + Identifiers.literal(ShardedSchema.shardOptions(efSearch, shard.maxScanTuples())) + ")"));
        }
    }

    private static TableNames partitionNames(TableNames names, String partition) {
        return new TableNames(names.schema(), partition, names.idColumn(), names.metadataColumn());
    }

    private static int setting(Pattern pattern, String options, int otherwise) {
        Matcher matcher = pattern.matcher(options);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : otherwise;
    }

    // postgres_fdw's options as PostgreSQL stores them: "key=value" strings, split at the first '='.
    private static Map<String, String> options(Array array) throws SQLException {
        Map<String, String> options = new HashMap<>();
        if (array != null) {
            for (Object option : (Object[]) array.getArray()) {
                String text = (String) option;
                int equals = text.indexOf('=');
                if (equals > 0) {
                    options.put(text.substring(0, equals), text.substring(equals + 1));
                }
            }
        }
        return options;
    }
}
