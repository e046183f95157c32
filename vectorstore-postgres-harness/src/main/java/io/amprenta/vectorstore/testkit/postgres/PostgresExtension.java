package io.amprenta.vectorstore.testkit.postgres;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real PostgreSQL with pgvector: declare {@code @ExtendWith(PostgresExtension.class)} on the test class
 * and take a {@link TestDatabase} parameter in the constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a
 * test method.
 *
 * <p>Each top-level test class gets its own fresh database (its {@code @Nested} classes share it), created on first
 * use with {@code CREATE EXTENSION vector} and dropped with {@code WITH (FORCE)} after the class. The server is shared
 * by the whole JVM: {@code VECTORSTORE_TEST_DATABASE_URL} (environment variable or system property,
 * {@code postgresql://user:pass@host:port/db} or {@code jdbc:postgresql://...}) names one to use, whose user must be
 * allowed to create databases; otherwise the extension starts a pgvector container through Testcontainers when a
 * Docker engine answers, else a throwaway cluster under the module's {@code target/} from the machine's own
 * PostgreSQL, once per JVM, and removes it when the JVM exits. {@code VECTORSTORE_TEST_POSTGRES} ({@code url},
 * {@code container} or {@code local}) forces one of the three. A {@link ReplicatedDatabase} parameter gives a database
 * on a primary that can start streaming replicas instead, a {@link ShardedDatabase} parameter databases on several
 * independent servers. See {@code docs/testing-postgres.md}.
 */
public final class PostgresExtension implements ParameterResolver, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    /** Created by JUnit through {@code @ExtendWith}. */
    public PostgresExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestDatabase.class || type == ReplicatedDatabase.class || type == ShardedDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.getParameter().getType() == ReplicatedDatabase.class) {
            return replicated(extensionContext);
        }
        if (parameterContext.getParameter().getType() == ShardedDatabase.class) {
            return sharded(extensionContext);
        }
        return scope(extensionContext).primary();
    }

    /** Drops the class's databases as soon as it ends, rather than whenever JUnit closes the store. */
    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext classContext = topLevelClassContext(context);
        if (classContext != context) {
            return;
        }
        DatabaseScope scope = classContext.getStore(NAMESPACE).remove(DatabaseScope.class, DatabaseScope.class);
        if (scope != null) {
            scope.close();
        }
        ReplicatedDatabase replicated = classContext.getStore(NAMESPACE).remove(ReplicatedDatabase.class,
                ReplicatedDatabase.class);
        if (replicated != null) {
            replicated.close();
        }
        ShardedDatabase sharded = classContext.getStore(NAMESPACE).remove(ShardedDatabase.class, ShardedDatabase.class);
        if (sharded != null) {
            sharded.close();
        }
    }

    /** Created without I/O: the primary and its replicas start when the test first asks for them. */
    private static ReplicatedDatabase replicated(ExtensionContext context) {
        ExtensionContext classContext = topLevelClassContext(context);
        String owner = classContext.getTestClass().map(Class::getName).orElse(classContext.getDisplayName());
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ReplicatedDatabase.class,
                key -> new ReplicatedDatabase(owner), ReplicatedDatabase.class);
    }

    /** Created without I/O: the shard servers start when the test first asks for them. */
    private static ShardedDatabase sharded(ExtensionContext context) {
        ExtensionContext classContext = topLevelClassContext(context);
        String owner = classContext.getTestClass().map(Class::getName).orElse(classContext.getDisplayName());
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ShardedDatabase.class,
                key -> new ShardedDatabase(owner), ShardedDatabase.class);
    }

    private static DatabaseScope scope(ExtensionContext context) {
        ExtensionContext classContext = topLevelClassContext(context);
        String owner = classContext.getTestClass().map(Class::getName).orElse(classContext.getDisplayName());
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(DatabaseScope.class, key -> {
            ManagedServer server = SharedServer.get();
            server.ensureRunning();
            return new DatabaseScope(server, owner);
        }, DatabaseScope.class);
    }

    /** The context just below the engine's: the top-level class, whichever method or nested class asks. */
    private static ExtensionContext topLevelClassContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (true) {
            Optional<ExtensionContext> parent = current.getParent();
            if (parent.isEmpty() || parent.get().getParent().isEmpty()) {
                return current;
            }
            current = parent.get();
        }
    }
}
