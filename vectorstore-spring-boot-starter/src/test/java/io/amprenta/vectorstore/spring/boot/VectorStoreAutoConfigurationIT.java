package io.amprenta.vectorstore.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStores;
import io.amprenta.vectorstore.langchain4j.VectorStoreEmbeddingStore;
import io.amprenta.vectorstore.springai.MiniLmEmbeddingModel;
import io.amprenta.vectorstore.springai.SpringAiVectorStore;
import io.amprenta.vectorstore.testkit.pinecone.PineconeEmulator;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The auto-configuration against the real backends: memory, PostgreSQL with pgvector (the test harness), and Pinecone
 * (the emulator through the real client), configured the ways applications configure them.
 */
@ExtendWith(PostgresExtension.class)
class VectorStoreAutoConfigurationIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            VectorStoreAutoConfiguration.class, VectorStoreHealthAutoConfiguration.class,
            SpringAiAutoConfiguration.class, LangChain4jAutoConfiguration.class));

    /** Environment variables as Spring sees them, ranked above application properties. */
    private static ApplicationContextRunner withEnvironment(ApplicationContextRunner runner, Map<String, String> variables) {
        return runner.withInitializer(context -> context.getEnvironment().getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("test-environment", new HashMap<>(variables))));
    }

    @Test
    void memoryFromPropertiesWithHealthMetricsAndBothAdapters() {
        runner.withPropertyValues("vectorstore.backend=memory", "vectorstore.memory.dimension=384")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(EmbeddingModel.class, MiniLmEmbeddingModel::get)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    VectorStore store = context.getBean(VectorStore.class);
                    assertThat(store.backend()).isEqualTo("memory");
                    assertThat(context.getBean(VectorStoreHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);

                    SpringAiVectorStore springAi = context.getBean(SpringAiVectorStore.class);
                    springAi.add(List.of(new Document("d1", "Rain is expected tomorrow.", Map.of("kind", "weather"))));
                    assertThat(springAi.similaritySearch(SearchRequest.builder().query("rain").topK(1).build()))
                            .extracting(Document::getId).containsExactly("d1");

                    @SuppressWarnings("unchecked")
                    EmbeddingStore<TextSegment> embeddingStore = context.getBean(EmbeddingStore.class);
                    assertThat(embeddingStore).isInstanceOf(VectorStoreEmbeddingStore.class);
                    embeddingStore.add(dev.langchain4j.data.embedding.Embedding.from(MiniLmEmbeddingModel.get().embed("rain")),
                            TextSegment.from("rain"));
                    assertThat(store.stats().namespaceCounts()).containsEntry("", 1L).containsEntry("default", 1L);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("vectorstore.operation").tag("operation", "upsert").timers()).isNotEmpty();
                    assertThat(registry.find("vectorstore.operation").tag("operation", "query").timer().count()).isPositive();
                });
    }

    @Test
    void environmentVariablesKeepWorkingAndWinOverApplicationProperties() {
        withEnvironment(runner.withPropertyValues("vectorstore.backend=pinecone"),
                Map.of("VECTOR_BACKEND", "memory", "VECTORSTORE_MEMORY_METRIC", "euclidean", "MEMORY_DIMENSION", "8"))
                .run(context -> {
                    VectorStore store = context.getBean(VectorStore.class);
                    assertThat(store.backend()).isEqualTo("memory");
                    assertThat(store.stats().metric().configName()).isEqualTo("euclidean");
                    assertThat(store.stats().dimension()).hasValue(8);
                });
    }

    @Test
    void pgvectorOnTheApplicationsDataSourceWithSchemaInitialization(TestDatabase db) {
        DataSource dataSource = db.dataSource();
        runner.withPropertyValues("vectorstore.backend=pgvector", "vectorstore.pgvector.table=starter_docs",
                        "vectorstore.pgvector.dimension=384", "vectorstore.pgvector.initialize-schema=true")
                .withBean(DataSource.class, () -> dataSource)
                .withBean(EmbeddingModel.class, MiniLmEmbeddingModel::get)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    VectorStore store = context.getBean(VectorStore.class);
                    assertThat(store.backend()).isEqualTo("pgvector");
                    assertThat(store.unwrap(DataSource.class)).isSameAs(dataSource);
                    SpringAiVectorStore springAi = context.getBean(SpringAiVectorStore.class);
                    springAi.add(List.of(new Document("p1", "The museum opens a photography exhibition.", Map.of("year", 2024)),
                            new Document("p2", "Rain is expected tomorrow afternoon.", Map.of("year", 2023))));
                    assertThat(springAi.similaritySearch(SearchRequest.builder().query("weather forecast").topK(1)
                            .filterExpression("year >= 2023").build())).extracting(Document::getId).containsExactly("p2");
                    assertThat(context.getBean(VectorStoreHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
                });
    }

    @Test
    void replicaUrlsThatTheApplicationsDataSourceCannotUseFailStartupInsteadOfBeingIgnored(TestDatabase db) throws Exception {
        DataSource dataSource = db.dataSource();
        runner.withPropertyValues("vectorstore.backend=pgvector", "vectorstore.pgvector.table=starter_replica_docs",
                        "vectorstore.pgvector.dimension=8", "vectorstore.pgvector.initialize-schema=true",
                        "vectorstore.pgvector.read-replica-urls=postgresql://127.0.0.1:1/replica")
                .withBean(DataSource.class, () -> dataSource)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(ConfigurationException.class)
                            .hasMessageContaining("PGVECTOR_READ_REPLICA_URLS")
                            .hasMessageContaining("vectorstore.pgvector.use-data-source=false");
                });
        try (var connection = db.connection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT to_regclass('starter_replica_docs') IS NULL")) {
            rows.next();
            assertThat(rows.getBoolean(1)).as("nothing created before the refusal").isTrue();
        }
    }

    @Test
    void pgvectorFromDatabaseUrlInTheEnvironmentWithAPoolOfItsOwn(TestDatabase db) {
        Map<String, String> environment = new HashMap<>(db.config());
        environment.put("VECTOR_BACKEND", "pgvector");
        environment.put("PGVECTOR_TABLE", "starter_env_docs");
        environment.put("PGVECTOR_DIMENSION", "384");
        environment.put("PGVECTOR_POOL_SIZE", "2");
        withEnvironment(runner.withPropertyValues("vectorstore.pgvector.initialize-schema=true"), environment)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    VectorStore store = context.getBean(VectorStore.class);
                    assertThat(store.backend()).isEqualTo("pgvector");
                    VectorStoreEmbeddingStore embeddingStore = context.getBean(VectorStoreEmbeddingStore.class);
                    embeddingStore.add(dev.langchain4j.data.embedding.Embedding.from(MiniLmEmbeddingModel.get().embed("hello")),
                            TextSegment.from("hello"));
                    assertThat(embeddingStore.search(EmbeddingSearchRequest.builder()
                            .queryEmbedding(dev.langchain4j.data.embedding.Embedding.from(MiniLmEmbeddingModel.get().embed("hi")))
                            .build()).matches()).extracting(m -> m.embedded().text()).containsExactly("hello");
                });
    }

    @Test
    void pineconeThroughTheEmulatorWithHealth() {
        try (PineconeEmulator emulator = PineconeEmulator.builder().dimension(384).start()) {
            withEnvironment(runner, emulator.hostConfig())
                    .withBean(EmbeddingModel.class, MiniLmEmbeddingModel::get)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(VectorStore.class).backend()).isEqualTo("pinecone");
                        SpringAiVectorStore springAi = context.getBean(SpringAiVectorStore.class);
                        springAi.add(List.of(new Document("e1", "A storm reaches the coast.", Map.of())));
                        assertThat(emulator.records("")).extracting(r -> r.metadata().get("document_content"))
                                .containsExactly("A storm reaches the coast.");
                        assertThat(context.getBean(VectorStoreHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
                        emulator.faults().unavailableNext(100);
                        assertThat(context.getBean(VectorStoreHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
                    });
        }
    }

    @Test
    void everyBeanBacksOffForTheApplicationsOwn() {
        VectorStore own = VectorStores.get(Map.of("VECTOR_BACKEND", "memory"));
        EmbeddingStore<TextSegment> ownEmbeddingStore = VectorStoreEmbeddingStore.builder(own).namespace("mine").build();
        runner.withBean("applicationsStore", VectorStore.class, () -> own)
                .withBean("applicationsEmbeddingStore", EmbeddingStore.class, () -> ownEmbeddingStore)
                .withBean(EmbeddingModel.class, MiniLmEmbeddingModel::get)
                .withBean("applicationsSpringAiStore", org.springframework.ai.vectorstore.VectorStore.class,
                        () -> SpringAiVectorStore.builder(own, MiniLmEmbeddingModel.get()).namespace("mine").build())
                .run(context -> {
                    assertThat(context.getBean(VectorStore.class)).isSameAs(own);
                    assertThat(context.getBean(EmbeddingStore.class)).isSameAs(ownEmbeddingStore);
                    assertThat(context).getBeans(org.springframework.ai.vectorstore.VectorStore.class).hasSize(1);
                });
        own.close();
    }

    @Test
    void frameworksAndActuatorAreOptional() {
        runner.withPropertyValues("vectorstore.backend=memory")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.ai",
                        "dev.langchain4j"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(VectorStore.class)
                            .doesNotHaveBean(VectorStoreHealthIndicator.class)
                            .doesNotHaveBean(SpringAiVectorStore.class).doesNotHaveBean(VectorStoreEmbeddingStore.class);
                });
        // Without an EmbeddingModel there is no Spring AI VectorStore either.
        runner.withPropertyValues("vectorstore.backend=memory")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SpringAiVectorStore.class)
                        .hasSingleBean(VectorStoreEmbeddingStore.class));
        runner.withPropertyValues("vectorstore.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(VectorStore.class));
    }

    @Test
    void aBadBackendFailsStartupNamingTheKeyAndTheInstalledBackends() {
        runner.withPropertyValues("vectorstore.backend=elastic").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("elastic").hasMessageContaining("pgvector");
        });
    }
}
