package io.amprenta.vectorstore.cli;

/**
 * The exit codes of the {@code vectorstore} command, for scripts, cron jobs and container probes.
 * Documented in the README.
 */
public final class ExitCode {

    /** Done: the migration completed, the verification passed, the store is healthy. */
    public static final int OK = 0;
    /** An unexpected error (a bug or an unmapped failure); the message and the log say more. */
    public static final int ERROR = 1;
    /** The command line is wrong (unknown option, bad value). */
    public static final int USAGE = 2;
    /** The configuration or the database is not ready (missing setting, backend not installed, schema not upgraded). */
    public static final int CONFIGURATION = 3;
    /** Finished, but with findings: records failed to copy, or the verification found differences. */
    public static final int FINDINGS = 4;
    /** Stopped on an error a person must fix (authentication, quota, persistent outage); resumable. */
    public static final int STOPPED = 5;
    /** The health check failed: the store does not answer. */
    public static final int UNHEALTHY = 6;
    /** Interrupted (Ctrl-C); resumable. 128 + SIGINT, as shells report it. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}
