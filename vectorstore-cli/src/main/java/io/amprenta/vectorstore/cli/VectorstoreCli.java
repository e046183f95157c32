package io.amprenta.vectorstore.cli;

import io.amprenta.vectorstore.ConfigurationException;
import io.amprenta.vectorstore.NonRetryableException;
import io.amprenta.vectorstore.RetryableException;
import io.amprenta.vectorstore.VectorStore;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.VectorStoreException;
import io.amprenta.vectorstore.VectorStores;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code vectorstore} command line: {@code migrate}, {@code verify}, {@code schema}, {@code health},
 * {@code benchmark}, {@code calibrate}, {@code fetch}, {@code query}. Configuration comes from the same environment variables the
 * library reads (README, "Configuration"); results go to standard output (a table, or JSON with
 * {@code --json}), progress and diagnostics to standard error. Exit codes: {@link ExitCode}.
 */
@Command(name = "vectorstore", mixinStandardHelpOptions = true, versionProvider = VectorstoreCli.Version.class,
        description = "Move vectors from Pinecone to PostgreSQL/pgvector, verify them, and operate both.",
        subcommands = {MigrateCommand.class, SchemaCommand.class, HealthCommand.class, VerifyCommand.class,
            BenchmarkCommand.class, CalibrateCommand.class, FetchCommand.class, QueryCommand.class,
            CommandLine.HelpCommand.class})
public final class VectorstoreCli implements Runnable {

    private final VectorStoreConfig config;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;

    VectorstoreCli(VectorStoreConfig config, PrintWriter out, PrintWriter err, boolean terminal) {
        this.config = config;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** Runs the command line with the process's environment and exits with its {@link ExitCode}. */
    public static void main(String[] args) {
        quietLibraryLogging(List.of(args).contains("--verbose"));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(args, VectorStoreConfig.fromEnvironment(), out, err, System.console() != null);
        if (!Interrupts.shuttingDown()) {
            System.exit(code);
        }
    }

    // The command prints what matters itself; the libraries' INFO lines (pool start, index lookup) are noise
    // on a terminal. --verbose, or an explicit -Dorg.slf4j.simpleLogger.defaultLogLevel, shows them.
    private static void quietLibraryLogging(boolean verbose) {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, verbose ? "info" : "warn");
        }
    }

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Also log what the libraries do (INFO level).")
    private boolean verbose;

    /** Runs the command line with an explicit configuration; returns the exit code. */
    static int execute(String[] args, VectorStoreConfig config, PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine commandLine = new CommandLine(new VectorstoreCli(config, out, err, terminal));
        commandLine.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((exception, line, parsed) -> report(exception, err));
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command, e.g. `vectorstore migrate --help`.");
    }

    VectorStoreConfig config() {
        return config;
    }

    Output output(boolean json) {
        return new Output(out, err, json, terminal && !json);
    }

    /** The store of backend {@code backend} (null: whatever VECTOR_BACKEND says), configured from the environment. */
    VectorStore store(String backend) {
        return store(backend, config);
    }

    /** The store of backend {@code backend} (null: whatever VECTOR_BACKEND says), configured from {@code settings}. */
    VectorStore store(String backend, VectorStoreConfig settings) {
        return VectorStores.get(backend == null ? settings : settings.with(VectorStoreConfig.VECTOR_BACKEND.key(), backend));
    }

    private static int report(Exception exception, PrintWriter err) {
        err.println("vectorstore: " + exception.getMessage());
        if (exception instanceof ConfigurationException) {
            return ExitCode.CONFIGURATION;
        }
        if (exception instanceof NonRetryableException || exception instanceof RetryableException) {
            return ExitCode.STOPPED;
        }
        if (!(exception instanceof VectorStoreException)) {
            exception.printStackTrace(err);
        }
        return ExitCode.ERROR;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = VectorstoreCli.class.getPackage().getImplementationVersion();
            return new String[] {"vectorstore " + (version == null ? "(development build)" : version)};
        }
    }
}
