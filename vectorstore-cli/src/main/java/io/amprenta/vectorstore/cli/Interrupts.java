package io.amprenta.vectorstore.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C for long commands: the JVM's shutdown hook asks the work to stop cleanly and waits (bounded)
 * until the command has printed its result, so the in-flight batch commits and the run stays resumable.
 */
final class Interrupts {

    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

    private Interrupts() {
    }

    /** Whether the JVM is exiting because of a signal; then the command must not call System.exit. */
    static boolean shuttingDown() {
        return SHUTTING_DOWN.get();
    }

    /**
     * Runs {@code stop} on Ctrl-C or SIGTERM, then waits up to {@code grace} for {@link Handle#done()}.
     * Close the handle when the work ends normally.
     */
    static Handle onInterrupt(Runnable stop, Duration grace) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            SHUTTING_DOWN.set(true);
            stop.run();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vectorstore-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Handle(hook, finished);
    }

    /** Unregisters the hook when the work finishes on its own. */
    static final class Handle implements AutoCloseable {
        private final Thread hook;
        private final CountDownLatch finished;

        private Handle(Thread hook, CountDownLatch finished) {
            this.hook = hook;
            this.finished = finished;
        }

        /** The command printed its result; a waiting shutdown may proceed. */
        void done() {
            finished.countDown();
        }

        @Override
        public void close() {
            done();
            if (!SHUTTING_DOWN.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // The hook is running; it will see done().
                }
            }
        }
    }
}
