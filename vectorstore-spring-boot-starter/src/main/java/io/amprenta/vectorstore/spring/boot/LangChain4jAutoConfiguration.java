package io.amprenta.vectorstore.spring.boot;

import dev.langchain4j.store.embedding.EmbeddingStore;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.langchain4j.VectorStoreEmbeddingStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * A LangChain4j {@link EmbeddingStore} over the application's {@link VectorStore}, when {@code langchain4j-core} and
 * {@code vectorstore-langchain4j} are present; backs off when the application defines an EmbeddingStore.
 */
@AutoConfiguration(after = VectorStoreAutoConfiguration.class)
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnClass({VectorStoreEmbeddingStore.class, EmbeddingStore.class})
@ConditionalOnProperty(prefix = "vectorstore.langchain4j", name = "enabled", matchIfMissing = true)
public class LangChain4jAutoConfiguration {

    /** The EmbeddingStore, in LangChain4j's Pinecone layout unless configured otherwise. */
    @Bean
    @ConditionalOnBean(VectorStore.class)
    @ConditionalOnMissingBean(EmbeddingStore.class)
    public VectorStoreEmbeddingStore vectorStoreEmbeddingStore(VectorStore store, VectorStoreProperties properties) {
        VectorStoreProperties.LangChain4j settings = properties.getLangchain4j();
        return VectorStoreEmbeddingStore.builder(store)
                .namespace(settings.getNamespace() == null || settings.getNamespace().isEmpty() ? null : settings.getNamespace())
                .textKey(settings.getTextKey())
                .exactLongs(settings.isExactLongs())
                .build();
    }
}
