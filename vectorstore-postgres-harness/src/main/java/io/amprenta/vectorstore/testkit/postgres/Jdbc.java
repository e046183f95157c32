package io.amprenta.vectorstore.testkit.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;

/** Connections for the harness and for tests, built the same way so both see the same server settings. */
final class Jdbc {

    /** Seconds; a server that does not answer by then is not going to. */
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private Jdbc() {
    }

    static PGSimpleDataSource dataSource(PostgresUrl url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url.jdbcUrl());
        dataSource.setUser(url.user());
        dataSource.setPassword(url.password());
        dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        return dataSource;
    }

    static Connection connect(PostgresUrl url) throws SQLException {
        PGSimpleDataSource dataSource = dataSource(url);
        dataSource.setApplicationName("vectorstore-test-harness");
        return dataSource.getConnection();
    }
}
