package io.amprenta.vectorstore.testkit.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs the PostgreSQL programs, as this OS user or, when the JVM is root, as the {@code postgres} user. */
final class OsCommand {

    /** What a finished command left behind. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** The OS user PostgreSQL runs as when the JVM is root; initdb and postgres refuse to run as root. */
    static final String POSTGRES_OS_USER = "postgres";

    private final List<String> prefix;
    private final boolean viaSu;
    private final String description;

    private OsCommand(List<String> prefix, boolean viaSu, String description) {
        this.prefix = List.copyOf(prefix);
        this.viaSu = viaSu;
        this.description = description;
    }

    /** Runs commands as the JVM's own user. */
    static OsCommand direct() {
        return new OsCommand(List.of(), false, "as " + System.getProperty("user.name"));
    }

    /** Runs commands as {@code user}, with runuser where it exists (it needs no PAM password setup) and su otherwise. */
    static OsCommand asUser(String user) {
        Optional<Path> runuser = findExecutable("runuser");
        if (runuser.isPresent()) {
            return new OsCommand(List.of(runuser.get().toString(), "-u", user, "--"), false, "as " + user + " via runuser");
        }
        Optional<Path> su = findExecutable("su");
        if (su.isPresent()) {
            // -s: the postgres account's login shell may be nologin.
            return new OsCommand(List.of(su.get().toString(), user, "-s", "/bin/sh", "-c"), true, "as " + user + " via su");
        }
        throw new IllegalStateException("The JVM runs as root and PostgreSQL refuses to run as root, but neither runuser"
                + " nor su was found to start it as the '" + user + "' user. Run the tests as a normal user, or set "
                + Settings.TEST_DATABASE_URL + " to an existing server.");
    }

    boolean switchesUser() {
        return !prefix.isEmpty();
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * Runs {@code command} in {@code workDir} with its output going to {@code outputFile}: a file rather than a pipe,
     * because pg_ctl leaves the postmaster running and a pipe it inherited would never reach end-of-file.
     */
    Result run(List<String> command, Path workDir, Path outputFile, Duration timeout) {
        List<String> full = new ArrayList<>(prefix);
        if (viaSu) {
            full.add(shellQuote(command));
        } else {
            full.addAll(command);
        }
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(outputFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // Messages in English whatever the machine's locale, so the log tails in exceptions are readable.
        builder.environment().put("LC_ALL", "C");
        builder.environment().remove("PGDATA");
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, readQuietly(outputFile) + "\n(timed out after " + timeout.toSeconds() + " s)");
            }
            return new Result(process.exitValue(), readQuietly(outputFile));
        } catch (IOException e) {
            return new Result(-1, "could not run " + full.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted while running " + String.join(" ", command));
        }
    }

    static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code lines} lines of {@code text}. */
    static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    /** Searches the PATH and then the sbin directories, which a non-login root shell may lack on its PATH. */
    static Optional<Path> findExecutable(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(dir);
                }
            }
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String shellQuote(List<String> command) {
        StringBuilder out = new StringBuilder();
        for (String arg : command) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
        return out.toString();
    }
}
