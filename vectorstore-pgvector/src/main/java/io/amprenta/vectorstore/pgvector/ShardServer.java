package io.amprenta.vectorstore.pgvector;

import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.internal.PostgresUrl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One shard of a table sharded across servers, as the coordinator's catalog describes it (ARCHITECTURE.md, "Shards"
 * and "Calibration"): its foreign server and partition, where the server is (the server's {@code host}, {@code port}
 * and {@code dbname} options), the login of the coordinator's user mapping, the {@code hnsw.ef_search} its sessions
 * start with (the server's {@code options}), and the calibrations the coordinator stores for it. It exists so that a
 * shard can be measured on its own server, where session settings reach its HNSW index, without the user repeating
 * the shard URLs. {@link #toString()} never shows the password.
 */
public final class ShardServer {

    private final String server;
    private final String partition;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final int efSearch;
    private final int maxScanTuples;
    private final List<SearchCalibration> calibrations;

    ShardServer(String server, String partition, String host, int port, String database, String user, String password,
                int efSearch, int maxScanTuples, List<SearchCalibration> calibrations) {
        this.server = Objects.requireNonNull(server, "server");
        this.partition = Objects.requireNonNull(partition, "partition");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.database = Objects.requireNonNull(database, "database");
        this.user = user;
        this.password = password;
        this.efSearch = efSearch;
        this.maxScanTuples = maxScanTuples;
        this.calibrations = List.copyOf(calibrations);
    }

    /** The foreign server's name on the coordinator. */
    public String server() {
        return server;
    }

    /** The foreign partition's name on the coordinator (unquoted, in the table's schema). */
    public String partition() {
        return partition;
    }

    /** The {@code hnsw.ef_search} the shard's sessions start with, from the server's {@code options}. */
    public int efSearch() {
        return efSearch;
    }

    /** The calibrations the coordinator stores for this shard, unfiltered first, smaller tables first. */
    public List<SearchCalibration> calibrations() {
        return calibrations;
    }

    /**
     * The calibration in force for this shard: of those stored for it, the unfiltered one whose size class is nearest
     * {@code estimatedRows} (-1 when unknown: the largest), as for a table on one server.
     */
    Optional<SearchCalibration> calibrationInForce(long estimatedRows) {
        return Calibrations.choose(calibrations, false, estimatedRows);
    }

    /** The shard's ef_search in force and where it comes from, for {@code health} and {@code schema status}. */
    String searchSetting(long estimatedRows) {
        return "ef_search " + efSearch + calibrationInForce(estimatedRows).map(c -> " (calibration: " + c.describe() + ")")
                .orElse(" (server options; not calibrated: run `vectorstore calibrate --save`)");
    }

    int maxScanTuples() {
        return maxScanTuples;
    }

    /**
     * {@code base} pointed at this shard's database: its host, port, database and the user mapping's login replace
     * every connection key of {@code base} (read replicas included, which belong to the coordinator); the table, its
     * columns and every other setting stay, since each shard holds the library's table under the same names.
     */
    public VectorStoreConfig config(VectorStoreConfig base) {
        Map<String, String> values = new HashMap<>(base.asMap());
        for (String key : List.of(PgDataSources.DATABASE_URL.key(), PgDataSources.PGHOST.key(), PgDataSources.PGPORT.key(),
                PgDataSources.PGUSER.key(), PgDataSources.PGPASSWORD.key(), PgDataSources.PGDATABASE.key(),
                PgDataSources.READ_REPLICA_URLS.key())) {
            values.remove(key);
        }
        values.put(PgDataSources.DATABASE_URL.key(), "postgresql://" + new PostgresUrl.Host(host, OptionalInt.of(port)) + "/"
                + PostgresUrl.encode(database));
        if (user != null) {
            values.put(PgDataSources.PGUSER.key(), user);
        }
        if (password != null) {
            values.put(PgDataSources.PGPASSWORD.key(), password);
        }
        return VectorStoreConfig.of(values);
    }

    /** The server and where it points, e.g. {@code rag_chunks_shard_0 (app@db1:5432/app)}; never the password. */
    @Override
    public String toString() {
        return server + " (" + (user == null ? "" : user + "@") + new PostgresUrl.Host(host, OptionalInt.of(port)) + "/"
                + database + ")";
    }
}
