package io.amprenta.vectorstore.testkit.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the PostgreSQL server programs (initdb, pg_ctl) to start a throwaway cluster with. The order matches
 * {@code scripts/install-postgres}, so the script extends exactly the server the tests will start.
 */
final class PostgresBinaries {

    static final String INSTALL_HINT = "Run scripts/install-postgres (as root, or with passwordless sudo) to install"
            + " PostgreSQL and pgvector, or set " + Settings.TEST_DATABASE_URL
            + " to a server that has pgvector >= 0.8, or start Docker (the harness then runs a pgvector container).";

    /** What discovery looks at; {@link #REAL} reads this machine, unit tests pass a fake one. */
    interface Machine {
        Optional<String> setting(String key);

        /** {@code pg_config --bindir}, when a pg_config is on the PATH and answers. */
        Optional<String> pgConfigBindir();

        /** The Debian/Ubuntu per-major directories, {@code /usr/lib/postgresql/<major>/bin}, in any order. */
        List<Path> versionedBinDirs();

        /** The directory of an {@code initdb} found on the PATH. */
        Optional<Path> initdbOnPath();

        boolean hasServerPrograms(Path bindir);
    }

    private PostgresBinaries() {
    }

    /**
     * {@code VECTORSTORE_PG_BINDIR}, else {@code pg_config --bindir}, else the highest
     * {@code /usr/lib/postgresql/<major>/bin}, else the directory of {@code initdb} on the PATH.
     */
    static Path find(Machine machine) {
        Optional<String> explicit = machine.setting(Settings.PG_BINDIR);
        if (explicit.isPresent()) {
            Path dir = Path.of(explicit.get());
            if (!machine.hasServerPrograms(dir)) {
                throw new IllegalStateException(Settings.PG_BINDIR + "=" + dir
                        + " does not contain initdb and pg_ctl. Point it at the server's bin directory (e.g."
                        + " /usr/lib/postgresql/15/bin) or unset it. " + INSTALL_HINT);
            }
            return dir;
        }
        Optional<Path> fromPgConfig = machine.pgConfigBindir().map(Path::of).filter(machine::hasServerPrograms);
        if (fromPgConfig.isPresent()) {
            return fromPgConfig.get();
        }
        Optional<Path> highest = machine.versionedBinDirs().stream()
                .filter(machine::hasServerPrograms)
                .max(Comparator.comparing(PostgresBinaries::majorVersionOf, PostgresBinaries::compareVersions));
        if (highest.isPresent()) {
            return highest.get();
        }
        Optional<Path> onPath = machine.initdbOnPath().filter(machine::hasServerPrograms);
        if (onPath.isPresent()) {
            return onPath.get();
        }
        throw new IllegalStateException("No PostgreSQL server programs (initdb, pg_ctl) found: " + Settings.PG_BINDIR
                + " is not set, pg_config --bindir has none, there is no /usr/lib/postgresql/<major>/bin with them"
                + " and no initdb on the PATH. " + INSTALL_HINT);
    }

    /** "/usr/lib/postgresql/15/bin" -> "15". */
    private static String majorVersionOf(Path bindir) {
        Path parent = bindir.getParent();
        return parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    }

    /** Numeric, so 9.6 < 10 < 17 (a string sort would put 10 before 9.6). */
    static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int l = i < left.length ? parseOrMinus(left[i]) : 0;
            int r = i < right.length ? parseOrMinus(right[i]) : 0;
            if (l != r) {
                return Integer.compare(l, r);
            }
        }
        return 0;
    }

    private static int parseOrMinus(String part) {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static final Machine REAL = new Machine() {
        @Override
        public Optional<String> setting(String key) {
            return Settings.get(key);
        }

        @Override
        public Optional<String> pgConfigBindir() {
            Optional<Path> pgConfig = OsCommand.findExecutable("pg_config");
            if (pgConfig.isEmpty()) {
                return Optional.empty();
            }
            try {
                Process process = new ProcessBuilder(pgConfig.get().toString(), "--bindir")
                        .redirectErrorStream(true)
                        .start();
                process.getOutputStream().close();
                String output;
                try (InputStream in = process.getInputStream()) {
                    output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                }
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return Optional.empty();
                }
                return process.exitValue() == 0 && !output.isEmpty() ? Optional.of(output) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public List<Path> versionedBinDirs() {
            List<Path> dirs = new ArrayList<>();
            Path root = Path.of("/usr/lib/postgresql");
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> majors = Files.newDirectoryStream(root)) {
                    for (Path major : majors) {
                        dirs.add(major.resolve("bin"));
                    }
                } catch (IOException e) {
                    // An unreadable directory simply offers no candidates.
                }
            }
            return dirs;
        }

        @Override
        public Optional<Path> initdbOnPath() {
            return OsCommand.findExecutable("initdb").map(Path::getParent);
        }

        @Override
        public boolean hasServerPrograms(Path bindir) {
            return Files.isExecutable(bindir.resolve("initdb")) && Files.isExecutable(bindir.resolve("pg_ctl"));
        }
    };
}
