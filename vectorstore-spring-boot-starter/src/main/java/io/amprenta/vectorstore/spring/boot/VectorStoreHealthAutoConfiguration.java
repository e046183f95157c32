package io.amprenta.vectorstore.spring.boot;

import io.amprenta.vectorstore.VectorStore;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator health indicator {@code vectorstore} ({@link VectorStoreHealthIndicator}), when Actuator is present;
 * {@code management.health.vectorstore.enabled=false} turns it off.
 */
@AutoConfiguration(after = VectorStoreAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator")
public class VectorStoreHealthAutoConfiguration {

    // Nested, so that its Actuator condition is only read once Actuator is known to be present.
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("vectorstore")
    static class Indicator {

        /** A canary search on the application's store, bounded by {@code vectorstore.health.timeout}. */
        @Bean
        @ConditionalOnBean(VectorStore.class)
        @ConditionalOnMissingBean(name = "vectorStoreHealthIndicator")
        VectorStoreHealthIndicator vectorStoreHealthIndicator(VectorStore store, VectorStoreProperties properties) {
            return new VectorStoreHealthIndicator(store, properties.getHealth().getTimeout());
        }
    }
}
