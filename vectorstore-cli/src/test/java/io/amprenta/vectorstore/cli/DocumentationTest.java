package io.amprenta.vectorstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.amprenta.vectorstore.ErrorCode;
import io.amprenta.vectorstore.Setting;
import io.amprenta.vectorstore.VectorStoreConfig;
import io.amprenta.vectorstore.dualwrite.DualWriteVectorStoreProvider;
import io.amprenta.vectorstore.memory.MemoryVectorStoreProvider;
import io.amprenta.vectorstore.pgvector.PgDataSources;
import io.amprenta.vectorstore.pgvector.PgVectorSettings;
import io.amprenta.vectorstore.pinecone.PineconeSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The documentation keeps up with the code: every error code has its section in docs/errors.md, the README
 * shows every configuration key exactly as it is declared (default and meaning), every command and option is in it, every command the docs show exists,
 * and every relative link resolves, anchors included.
 */
class DocumentationTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]*)(#[^)\\s]*)?\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
    private static final Pattern COMMAND = Pattern.compile("(?m)(?:^|\\$ |`)vectorstore ([a-z-]+)(?: ([a-z]+))?");

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8);
    }

    @Test
    void everyErrorCodeHasItsSectionInErrorsMd() throws IOException {
        String errors = read("docs/errors.md");

        List<String> missing = Stream.of(ErrorCode.values()).map(ErrorCode::anchor)
                .filter(anchor -> !errors.contains("\n### " + anchor + "\n")).toList();

        assertThat(missing).as("ErrorCode anchors without a '### <anchor>' section in docs/errors.md").isEmpty();
    }

    @Test
    void theMigrationGuideTroubleshootsEveryErrorCode() throws IOException {
        String guide = read("docs/migration-guide.md");
        String troubleshooting = guide.substring(guide.indexOf("## Troubleshooting"));

        List<String> missing = Stream.of(ErrorCode.values()).map(ErrorCode::anchor)
                .filter(anchor -> !troubleshooting.contains("(errors.md#" + anchor + ")")).toList();

        assertThat(missing).as("error codes the migration guide's troubleshooting does not cover").isEmpty();
    }

    @Test
    void theReadmeTablesShowEverySettingAsDeclared() throws IOException {
        String readme = read("README.md");
        List<Setting<?>> settings = new ArrayList<>(VectorStoreConfig.settings());
        settings.addAll(PineconeSettings.settings());
        settings.addAll(PgDataSources.settings());
        settings.addAll(PgVectorSettings.settings());
        settings.addAll(MemoryVectorStoreProvider.settings());
        settings.addAll(DualWriteVectorStoreProvider.settings());

        assertThat(settings).hasSizeGreaterThan(40);
        // The row is generated from the declaration (key, default, meaning), so the README says what the code does.
        assertThat(settings.stream().map(Setting::documentationRow).filter(row -> !readme.contains(row + "\n")).toList())
                .as("README rows that differ from the settings' declarations; the expected rows are").isEmpty();
    }

    @Test
    void everyCommandAndOptionIsInTheReadme() throws IOException {
        String readme = read("README.md");
        CommandSpec root = commandLine().getCommandSpec();
        List<String> missing = new ArrayList<>();
        root.subcommands().forEach((name, command) -> collect(name, command.getCommandSpec(), readme, missing));

        assertThat(missing).as("commands and options missing from the README's command table").isEmpty();
    }

    private static void collect(String name, CommandSpec command, String readme, List<String> missing) {
        if (name.equals("help")) {
            return;
        }
        if (command.subcommands().isEmpty() && !readme.contains("`" + name) && !readme.contains(" " + name + " ")) {
            missing.add(name);
        }
        for (OptionSpec option : command.options()) {
            String longName = option.longestName();
            boolean standard = longName.equals("--help") || longName.equals("--version");
            if (!standard && !readme.contains(longName)) {
                missing.add(name + " " + longName);
            }
        }
        command.subcommands().forEach((sub, spec) -> collect(name + " " + sub, spec.getCommandSpec(), readme, missing));
    }

    @Test
    void everyCommandTheDocsShowExists() throws IOException {
        CommandLine cli = commandLine();
        List<String> unknown = new ArrayList<>();
        for (String document : documents()) {
            Matcher command = COMMAND.matcher(read(document));
            while (command.find()) {
                CommandLine sub = cli.getSubcommands().get(command.group(1));
                if (sub == null) {
                    unknown.add(document + ": vectorstore " + command.group(1));
                } else if (!sub.getSubcommands().isEmpty() && command.group(2) != null
                        && !sub.getSubcommands().containsKey(command.group(2))) {
                    unknown.add(document + ": vectorstore " + command.group(1) + " " + command.group(2));
                }
            }
        }
        assertThat(unknown).as("commands shown in the docs that do not exist").isEmpty();
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (String document : documents()) {
            Path base = ROOT.resolve(document).getParent();
            Matcher link = LINK.matcher(read(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("http") || target.startsWith("mailto:")) {
                    continue;
                }
                Path file = target.isEmpty() ? ROOT.resolve(document) : base.resolve(target).normalize();
                if (!Files.exists(file)) {
                    broken.add(document + " -> " + target);
                } else if (link.group(2) != null && file.toString().endsWith(".md")
                        && !headingAnchors(Files.readString(file)).contains(link.group(2).substring(1))) {
                    broken.add(document + " -> " + target + link.group(2));
                }
            }
        }
        assertThat(broken).as("relative links that do not resolve").isEmpty();
    }

    // The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens.
    private static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Matcher heading = HEADING.matcher(markdown);
        while (heading.find()) {
            anchors.add(heading.group(1).strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
        }
        return anchors;
    }

    private static List<String> documents() throws IOException {
        List<String> documents = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted()
                    .forEach(path -> documents.add(ROOT.relativize(path).toString()));
        }
        return documents;
    }

    private static CommandLine commandLine() {
        StringWriter ignored = new StringWriter();
        return new CommandLine(new VectorstoreCli(VectorStoreConfig.of(Map.of()), new PrintWriter(ignored), new PrintWriter(ignored), false));
    }
}
