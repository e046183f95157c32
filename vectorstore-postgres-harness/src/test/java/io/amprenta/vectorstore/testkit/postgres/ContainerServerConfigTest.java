package io.amprenta.vectorstore.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The container as the harness configures it, checked without starting it (building the configuration needs no
 * Docker): starting it is what {@code PostgresExtensionIT} and the rest do on a machine with Docker.
 */
class ContainerServerConfigTest {

    @Test
    void theDefaultImageHasPgvectorAtTheHarnessMinimum() {
        String tag = ContainerServer.DEFAULT_IMAGE.substring(ContainerServer.DEFAULT_IMAGE.indexOf(':') + 1);
        String pgvector = tag.substring(0, tag.indexOf('-'));

        assertThat(ContainerServer.DEFAULT_IMAGE).startsWith("pgvector/pgvector:");
        assertThat(PostgresBinaries.compareVersions(pgvector, DatabaseScope.MIN_PGVECTOR)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void theContainerLogsInLikeTheLocalClusterOnAFixedHostPort() {
        PostgreSQLContainer container = ContainerServer.configure(ContainerServer.DEFAULT_IMAGE, 45678);

        assertThat(container.getUsername()).isEqualTo(LocalCluster.SUPERUSER);
        assertThat(container.getPassword()).isEqualTo(LocalCluster.PASSWORD);
        assertThat(container.getDatabaseName()).isEqualTo(PostgresUrl.DEFAULT_DATABASE);
        // Fixed, so a container stopped and started by a fault test comes back on the same address.
        assertThat(container.getPortBindings()).containsExactly("45678:5432/tcp");
        assertThat(container.getShmSize()).isGreaterThanOrEqualTo(512L << 20);
        assertThat(Arrays.asList(container.getCommandParts()))
                .startsWith("postgres")
                .contains("fsync=off", "max_connections=200");
    }

    @Test
    void anyPostgresLikeImageIsAccepted() {
        String image = "registry.example.com/team/pg-with-vector:17";
        // PostgreSQLContainer refuses an image it does not know, unless it is declared compatible with postgres.
        assertThatThrownBy(() -> new PostgreSQLContainer(image)).isInstanceOf(IllegalStateException.class);

        assertThatCode(() -> ContainerServer.configure(image, 45679)).doesNotThrowAnyException();
    }
}
