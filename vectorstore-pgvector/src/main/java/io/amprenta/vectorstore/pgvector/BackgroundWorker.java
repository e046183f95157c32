package io.amprenta.vectorstore.pgvector;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread for a store's background work (the recall monitor's exact checks, the shard statistics'
 * {@code ANALYZE}), so a caller's latency never pays for it (ARCHITECTURE.md, "The query path" and "Shards"): at most
 * one task runs and one waits; a task offered while one already waits is dropped, never queued. The thread ends after
 * {@link #IDLE} without work and starts again with the next task, so a table opened and never closed
 * ({@code PgVectorTable.open}) keeps no thread. Thread-safe.
 */
final class BackgroundWorker implements AutoCloseable {

    /** How long the thread waits for work before it ends. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWorker.class);

    private final String name;
    private final ThreadPoolExecutor executor;

    /** A worker whose thread is called {@code name} (it names the store's table, for thread dumps). */
    BackgroundWorker(String name) {
        this.name = name;
        this.executor = new ThreadPoolExecutor(1, 1, IDLE.toSeconds(), TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** Hands {@code task} to the thread; false when it was dropped (one already waits, or the worker stopped). */
    boolean offer(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops the thread: a waiting task is dropped, a running one interrupted and waited for up to 5 s. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The background worker {} did not stop within 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
