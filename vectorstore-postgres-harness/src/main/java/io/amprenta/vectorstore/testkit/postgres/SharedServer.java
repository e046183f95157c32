package io.amprenta.vectorstore.testkit.postgres;

import java.util.Optional;

/** The one server of this JVM, set up on first use: starting a cluster per test class would cost seconds each. */
final class SharedServer {

    private static ManagedServer server;
    private static RuntimeException failure;

    private SharedServer() {
    }

    static synchronized ManagedServer get() {
        if (server != null) {
            return server;
        }
        if (failure != null) {
            // Fail every later class fast with the first cause, instead of retrying a slow start that failed.
            throw new IllegalStateException("The PostgreSQL test server could not be set up earlier in this JVM: "
                    + failure.getMessage(), failure);
        }
        try {
            server = create();
            return server;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private static ManagedServer create() {
        Optional<String> url = Settings.get(Settings.TEST_DATABASE_URL);
        if (url.isPresent()) {
            PostgresUrl parsed;
            try {
                parsed = PostgresUrl.parse(url.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(Settings.TEST_DATABASE_URL + " is not usable: " + e.getMessage(), e);
            }
            return ExternalServer.connect(parsed);
        }
        return LocalCluster.create(PostgresBinaries.find(PostgresBinaries.REAL));
    }
}
