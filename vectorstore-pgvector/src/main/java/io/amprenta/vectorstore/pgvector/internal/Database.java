package io.amprenta.vectorstore.pgvector.internal;

import io.amprenta.vectorstore.RetryPolicy;
import io.amprenta.vectorstore.VectorStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A DataSource plus how its work is run: each unit of work gets a connection of its own (able to carry pgvector
 * values), runs in one transaction or one auto-commit round trip, is bounded by the statement timeout, is retried
 * when the failure is transient, and fails with the library's exception kinds ({@link SqlErrors}). The store, the
 * schema manager and the migrator all run their SQL through one of these.
 *
 * <p>The statement timeout is applied here and nowhere else, by {@link #prologue}: as the first statement of each
 * transaction {@link #inTransaction} opens, and in front of the statements of work that must stay a single round
 * trip (a query sends its scan settings and the timeout together with itself). Settings every session is known to
 * start with (a pool the library built sets them as startup options) are not sent again.
 */
public final class Database {

    private static final String STATEMENT_TIMEOUT = "statement_timeout";

    private final DataSource dataSource;
    private final RetryPolicy retry;
    private final Duration statementTimeout;
    private final Map<String, String> sessionDefaults;
    private final String subject;
    private final Translator translator;

    /** Turns a failure of an action into the library's exception. */
    @FunctionalInterface
    public interface Translator {
        /** The exception for {@code failure} of {@code action}. */
        VectorStoreException translate(SQLException failure, String action);
    }

    /**
     * Work on {@code dataSource}.
     *
     * @param retry how transient failures are retried ({@link RetryPolicy#none()} for none)
     * @param statementTimeout the bound of every statement; zero for none (schema changes, index builds)
     * @param sessionDefaults the settings every session of {@code dataSource} starts with; empty when unknown, as
     *     for an application's DataSource
     * @param subject the table concerned as users name it, for error messages; null when there is none
     */
    public Database(DataSource dataSource, RetryPolicy retry, Duration statementTimeout,
                    Map<String, String> sessionDefaults, String subject) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.statementTimeout = Objects.requireNonNull(statementTimeout, "statementTimeout");
        this.sessionDefaults = Map.copyOf(sessionDefaults);
        this.subject = subject;
        this.translator = (failure, action) -> SqlErrors.translate(failure, action, subject);
    }

    private Database(Database original, Translator translator) {
        this.dataSource = original.dataSource;
        this.retry = original.retry;
        this.statementTimeout = original.statementTimeout;
        this.sessionDefaults = original.sessionDefaults;
        this.subject = original.subject;
        this.translator = translator;
    }

    /**
     * This database with failures translated by {@code translator}, for callers that know more about some failures
     * than {@link SqlErrors} (and leave the rest to it).
     */
    public Database translatingWith(Translator translator) {
        return new Database(this, Objects.requireNonNull(translator, "translator"));
    }

    /** The DataSource. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The settings sessions are known to start with. */
    public Map<String, String> sessionDefaults() {
        return sessionDefaults;
    }

    /**
     * Runs {@code work} in a transaction of its own, bounded by the statement timeout, retrying transient failures and
     * translating errors.
     */
    public <T> T inTransaction(String action, Jdbc.Work<T> work) {
        return withConnection(action, connection -> Jdbc.inTransaction(connection, transaction -> {
            Jdbc.Statement timeout = prologue(Map.of());
            if (timeout != null) {
                Jdbc.execute(transaction, timeout);
            }
            return work.run(transaction);
        }));
    }

    /**
     * Runs {@code work} on a connection of its own in auto-commit mode, retrying transient failures and translating
     * errors. Nothing bounds it unless the work sends {@link #prologue} with its statements: this is for work that
     * must be a single round trip, or that may run long (index builds).
     */
    public <T> T withConnection(String action, Jdbc.Work<T> work) {
        return retry.execute(action, () -> {
            try (Connection connection = Jdbc.open(dataSource)) {
                return work.run(connection);
            } catch (SQLException e) {
                throw translator.translate(e, action);
            }
        });
    }

    /**
     * {@code SELECT set_config(name, ?, true), ...} for {@code settings} plus the statement timeout, without what
     * sessions start with anyway; null when nothing is left. In auto-commit mode, sent in one string with the
     * statements it is for, it and they run in one implicit transaction, which the settings last for.
     */
    public Jdbc.Statement prologue(Map<String, String> settings) {
        Map<String, String> needed = new LinkedHashMap<>(settings);
        if (!statementTimeout.isZero()) {
            needed.put(STATEMENT_TIMEOUT, statementTimeout.toMillis() + "ms");
        }
        needed.entrySet().removeIf(setting -> setting.getValue().equals(sessionDefaults.get(setting.getKey())));
        if (needed.isEmpty()) {
            return null;
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        List<Object> values = new ArrayList<>();
        for (Map.Entry<String, String> setting : needed.entrySet()) {
            sql.append(values.isEmpty() ? "" : ", ").append("set_config('").append(setting.getKey()).append("', ?, true)");
            values.add(setting.getValue());
        }
        return new Jdbc.Statement(sql.toString(), values);
    }
}
