package io.amprenta.vectorstore.testkit.postgres;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one server of this JVM, set up on first use: starting a server per test class would cost seconds each. Where it
 * comes from is {@link ServerChoice}'s decision.
 */
final class SharedServer {

    private static final Logger LOG = LoggerFactory.getLogger(SharedServer.class);

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
        return create(Settings::get, DockerProbe::probe);
    }

    /** Picks and starts the server; the settings and the Docker probe are parameters so tests can vary them. */
    static ManagedServer create(Function<String, Optional<String>> settings, Supplier<DockerProbe.Result> docker) {
        Optional<String> url = settings.apply(Settings.TEST_DATABASE_URL);
        ServerChoice choice = ServerChoice.choose(settings.apply(Settings.TEST_POSTGRES), url.isPresent(), docker);
        LOG.info("PostgreSQL test server: {} ({}).", choice.source().name().toLowerCase(Locale.ROOT), choice.reason());
        switch (choice.source()) {
            case URL:
                return external(url.orElseThrow());
            case CONTAINER:
                return container(settings.apply(Settings.CONTAINER_IMAGE).orElse(ContainerServer.DEFAULT_IMAGE), choice);
            default:
                return local();
        }
    }

    private static ManagedServer external(String url) {
        PostgresUrl parsed;
        try {
            parsed = PostgresUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(Settings.TEST_DATABASE_URL + " is not usable: " + e.getMessage(), e);
        }
        return ExternalServer.connect(parsed);
    }

    /*
     * When the harness chose the container itself, a container that does not start (no network to pull the image, a
     * Docker that answers ping but cannot run containers, Testcontainers left off the classpath) is not worth failing
     * the build for while a local PostgreSQL can do: say why in one line and use that.
     */
    private static ManagedServer container(String image, ServerChoice choice) {
        try {
            return ContainerServer.start(image);
        } catch (RuntimeException | LinkageError e) {
            String why = e instanceof LinkageError
                    ? "Testcontainers is not on the classpath (" + e + ")"
                    : e.getMessage();
            if (choice.forced()) {
                throw new IllegalStateException(Settings.TEST_POSTGRES + "=container, but the container did not start: "
                        + why, e);
            }
            LOG.warn("The PostgreSQL test container did not start, so the harness uses a local cluster instead: {}", why);
            try {
                return local();
            } catch (RuntimeException local) {
                local.addSuppressed(e);
                throw new IllegalStateException("Neither a PostgreSQL container nor a local cluster could be started."
                        + " Container: " + why + " Local cluster: " + local.getMessage(), local);
            }
        }
    }

    private static ManagedServer local() {
        return LocalCluster.create(PostgresBinaries.find(PostgresBinaries.REAL));
    }
}
