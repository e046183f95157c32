package io.amprenta.vectorstore.testkit.postgres;

import java.util.Optional;

/** The harness's knobs, read like the library's own configuration: environment variable overlaid by system property. */
final class Settings {

    /** A server to use instead of starting one; the harness creates its databases there. */
    static final String TEST_DATABASE_URL = "VECTORSTORE_TEST_DATABASE_URL";
    /** The directory holding initdb and pg_ctl, when discovery would pick another installation. */
    static final String PG_BINDIR = "VECTORSTORE_PG_BINDIR";
    /** Where throwaway clusters go (default: the module's target/ directory). */
    static final String CLUSTER_BASE_DIR = "VECTORSTORE_PG_CLUSTER_DIR";
    /** Forces where the server comes from: {@code url}, {@code container} or {@code local} (default: chosen). */
    static final String TEST_POSTGRES = "VECTORSTORE_TEST_POSTGRES";
    /** The Docker image of the container server; it must have pgvector at the harness's minimum. */
    static final String CONTAINER_IMAGE = "VECTORSTORE_TEST_POSTGRES_IMAGE";

    private Settings() {
    }

    static Optional<String> get(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            value = System.getenv(key);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
