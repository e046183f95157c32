package io.amprenta.vectorstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.memory.MemoryVectorStore;
import io.amprenta.vectorstore.spi.VectorStoreProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backend discovery, and every discovery error, message by message. */
class DiscoveryTest {

    @TempDir
    Path servicesRoot;

    @Test
    void theMemoryBackendIsAlwaysInstalledAndSelectedByName() {
        assertThat(VectorStores.installedBackends()).containsExactly("dual", "memory");
        try (VectorStore store = VectorStores.get(Map.of("VECTOR_BACKEND", " Memory "))) {
            assertThat(store.backend()).isEqualTo("memory");
        }
    }

    @Test
    void theDefaultBackendIsPineconeAndItsAbsenceNamesTheArtifact() {
        assertThatThrownBy(() -> VectorStores.get(Map.of()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_NOT_INSTALLED))
                .hasMessage("VECTOR_BACKEND is 'pinecone' but the pinecone backend is not on the classpath. Add the Maven"
                        + " dependency io.amprenta.vectorstore:vectorstore-pinecone (version from"
                        + " io.amprenta.vectorstore:vectorstore-bom). Installed backends: dual, memory."
                        + " [docs/errors.md#backend-not-installed]");
    }

    @Test
    void aMissingPgvectorModuleNamesItsArtifact() {
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "pgvector")))
                .hasMessageContaining("Add the Maven dependency io.amprenta.vectorstore:vectorstore-pgvector")
                .hasMessageContaining("Installed backends: dual, memory.");
    }

    @Test
    void anUnknownBackendListsTheInstalledAndKnownOnes() {
        assertThatThrownBy(() -> VectorStores.get(Map.of("VECTOR_BACKEND", "weaviate")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_BACKEND))
                .hasMessage("VECTOR_BACKEND is 'weaviate', which is not a backend. Set it to one of the installed backends,"
                        + " or add the artifact of another (memory: io.amprenta.vectorstore:vectorstore-api,"
                        + " pgvector: io.amprenta.vectorstore:vectorstore-pgvector,"
                        + " pinecone: io.amprenta.vectorstore:vectorstore-pinecone). Installed backends: dual, memory."
                        + " [docs/errors.md#unknown-backend]");
    }

    @Test
    void duplicateNamesAreReportedWhenAskedForWithoutHidingOthers() throws IOException {
        ProviderRegistry registry = registryWith(TwinA.class.getName(), TwinB.class.getName());

        assertThat(registry.names()).containsExactly("dual", "memory", "twin");
        assertThatThrownBy(() -> registry.select("twin"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_BACKEND))
                .hasMessageContaining("More than one backend is registered as 'twin': " + TwinA.class.getName() + ", " + TwinB.class.getName())
                .hasMessageContaining("Keep only one");
        assertThat(registry.select("memory")).isNotNull();
    }

    @Test
    void brokenProvidersAreListedAndDoNotHideTheOthers() throws IOException {
        ProviderRegistry registry = registryWith("com.example.DoesNotExist", Exploding.class.getName(), Nameless.class.getName(),
                TwinA.class.getName());

        assertThat(registry.names()).containsExactly("dual", "memory", "twin");
        assertThat(registry.failures()).hasSize(3);
        assertThat(registry.select("memory")).isNotNull();
        assertThatThrownBy(() -> registry.select("pinecone"))
                .hasMessageContaining("Installed backends: dual, memory, twin.")
                .hasMessageContaining("Backends that failed to load:")
                .hasMessageContaining("com.example.DoesNotExist")
                .hasMessageContaining("database driver missing")
                .hasMessageContaining(Nameless.class.getName() + ": name() failed");
    }

    private ProviderRegistry registryWith(String... providerClasses) throws IOException {
        Path services = servicesRoot.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(VectorStoreProvider.class.getName()), List.of(providerClasses));
        URLClassLoader loader = new URLClassLoader(new URL[] {servicesRoot.toUri().toURL()}, getClass().getClassLoader());
        return ProviderRegistry.load(loader);
    }

    /** A provider registered under a name another provider also uses. */
    public static class TwinA implements VectorStoreProvider {
        @Override
        public String name() {
            return "twin";
        }

        @Override
        public VectorStore create(VectorStoreConfig config) {
            return MemoryVectorStore.builder().build();
        }
    }

    /** The other provider named "twin". */
    public static class TwinB extends TwinA {
    }

    /** A provider whose construction fails, as one with a missing dependency would. */
    public static class Exploding extends TwinA {
        public Exploding() {
            throw new IllegalStateException("database driver missing");
        }
    }

    /** A provider whose name() fails. */
    public static class Nameless extends TwinA {
        @Override
        public String name() {
            throw new UnsupportedOperationException("no name");
        }
    }
}
