package io.amprenta.vectorstore.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.HealthReport;
import io.amprenta.vectorstore.IdPageRequest;
import io.amprenta.vectorstore.Query;
import io.amprenta.vectorstore.RequestTimeoutException;
import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorRecord;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.filter.Filter;
import io.amprenta.vectorstore.testkit.postgres.PostgresExtension;
import io.amprenta.vectorstore.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PGVECTOR_STATEMENT_TIMEOUT bounds every operation of a store, also on an application's DataSource whose sessions
 * do not start with it: while another transaction holds the table locked, each operation fails with TIMEOUT soon
 * after the timeout instead of waiting for the lock, and writes nothing.
 */
@ExtendWith(PostgresExtension.class)
class StatementTimeoutIT {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    // Well above the timeout, well below "hangs until the lock goes": the operation was cut off by the timeout.
    private static final Duration BOUND = Duration.ofSeconds(3);

    private final DataSource dataSource;

    StatementTimeoutIT(TestDatabase db) {
        this.dataSource = db.dataSource();
    }

    @Test
    void everyOperationOnAnApplicationsDataSourceIsBoundedByTheStatementTimeout() throws Exception {
        PgVectorSettings settings = PgVectorSettings.builder().table("locked").dimension(4)
                .statementTimeout(TIMEOUT).retry(RetryPolicy.none()).build();
        SchemaManager.create(dataSource, settings).upgrade();
        VectorStore store = PgVectorStore.builder().dataSource(dataSource).settings(settings).build();
        PgVectorTable table = store.unwrap(PgVectorTable.class);
        store.upsert(List.of(VectorRecord.of("a", new float[] {1, 0, 0, 0}, Map.of("k", "v")),
                VectorRecord.of("b", new float[] {0, 1, 0, 0}, Map.of("k", "w"))));

        Map<String, Runnable> operations = new LinkedHashMap<>();
        operations.put("upsert", () -> store.upsert(List.of(VectorRecord.of("c", new float[] {0, 0, 1, 0}))));
        operations.put("query", () -> store.query(Query.builder(new float[] {1, 0, 0, 0}).topK(2).build()));
        operations.put("fetch", () -> store.fetch(List.of("a")));
        operations.put("delete", () -> store.delete(List.of("a")));
        operations.put("deleteByFilter", () -> store.deleteByFilter(Filter.eq("k", "w")));
        operations.put("deleteAll", store::deleteAll);
        operations.put("listIds", () -> store.listIds(IdPageRequest.first(10)));
        operations.put("stats", store::stats);
        operations.put("health", () -> table.backend().health(""));

        try (Connection locker = dataSource.getConnection(); Statement lock = locker.createStatement()) {
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE public.locked IN ACCESS EXCLUSIVE MODE");
            for (Map.Entry<String, Runnable> operation : operations.entrySet()) {
                long started = System.nanoTime();
                assertThatThrownBy(operation.getValue()::run).as(operation.getKey())
                        .isInstanceOfSatisfying(RequestTimeoutException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as(operation.getKey()).isLessThan(BOUND);
            }
            locker.rollback();
        }

        assertThat(store.fetch(List.of("a", "b", "c")).keySet()).containsExactly("a", "b");
        assertThat(store.health().status()).isNotEqualTo(HealthReport.Status.DOWN);
        store.close();
    }
}
