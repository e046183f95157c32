package io.amprenta.vectorstore.spring.boot;

import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.springai.SpringAiVectorStore;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over the application's {@link VectorStore}, when
 * Spring AI, {@code vectorstore-spring-ai} and an {@link EmbeddingModel} bean are present. It runs after every other
 * auto-configuration, so the EmbeddingModel of any Spring AI model starter is already known, and backs off when the
 * application (or another vector store starter) defines a Spring AI VectorStore.
 */
@AutoConfiguration(after = VectorStoreAutoConfiguration.class)
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnClass({SpringAiVectorStore.class, EmbeddingModel.class})
@ConditionalOnProperty(prefix = "vectorstore.spring-ai", name = "enabled", matchIfMissing = true)
public class SpringAiAutoConfiguration {

    /** The Spring AI VectorStore, observed with Spring AI's conventions when an ObservationRegistry exists. */
    @Bean
    @ConditionalOnBean({VectorStore.class, EmbeddingModel.class})
    @ConditionalOnMissingBean(org.springframework.ai.vectorstore.VectorStore.class)
    public SpringAiVectorStore springAiVectorStore(VectorStore store, EmbeddingModel embeddingModel,
                                                   VectorStoreProperties properties,
                                                   ObjectProvider<ObservationRegistry> observationRegistry,
                                                   ObjectProvider<VectorStoreObservationConvention> convention,
                                                   ObjectProvider<BatchingStrategy> batchingStrategy) {
        VectorStoreProperties.SpringAi settings = properties.getSpringAi();
        SpringAiVectorStore.Builder builder = SpringAiVectorStore.builder(store, embeddingModel)
                .namespace(settings.getNamespace() == null || settings.getNamespace().isEmpty() ? null : settings.getNamespace())
                .contentField(settings.getContentField())
                .distanceField(settings.getDistanceField())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .customObservationConvention(convention.getIfAvailable(() -> null));
        batchingStrategy.ifUnique(builder::batchingStrategy);
        return builder.build();
    }
}
