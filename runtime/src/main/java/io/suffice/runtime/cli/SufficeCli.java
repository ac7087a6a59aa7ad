package io.suffice.runtime.cli;

import io.suffice.api.plugin.CommandProvider;
import io.suffice.runtime.bench.BenchCommand;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import io.suffice.runtime.train.StopSignal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The {@code suffice} command line. Exit status: 0 success, 2 usage or configuration error, 1 run failure.
 * Plugins may contribute subcommands ({@link CommandProvider}); those are discovered before parsing, from the class
 * path and the plugins folder given by {@code --plugins-dir} (default {@code ./plugins}).
 */
@Command(name = "suffice", mixinStandardHelpOptions = true, versionProvider = SufficeCli.Version.class,
        description = "Contrastive pre-training research and the optimizers that train it.",
        subcommands = {PluginsCommand.class, RunCommand.class, DemoCommand.class, ExportCommand.class,
                BenchCommand.class, SweepCommand.class, ReproduceCommand.class})
public final class SufficeCli implements Runnable, PluginSource {

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "folder of plugin JARs (default: ./plugins, or run.plugins of a config)")
    Path pluginsDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Plugins found before parsing, in {@link #discoveredDir}; null when discovery failed (a name conflict). */
    private PluginRegistry discovered;
    private Path discoveredDir;
    private ConfigException discoveryError;
    /** SIGTERM/SIGINT as a stop request (installed by {@link #main}; tests in-process get none). */
    StopSignal stop = StopSignal.none();

    /**
     * The registry for plugins folder {@code dir}: the one discovered at start-up when the folder is the same,
     * else a fresh discovery. A plugin name conflict surfaces here as a {@link ConfigException}.
     */
    @Override
    public PluginRegistry registry(Path dir) {
        Path wanted = dir != null ? dir : pluginsDir != null ? pluginsDir : Path.of(RunSettings.DEFAULT_PLUGINS);
        if (wanted.toAbsolutePath().normalize().equals(discoveredDir)) {
            if (discoveryError != null) {
                throw discoveryError;
            }
            return discovered;
        }
        return new PluginDiscovery(SufficeCli.class.getClassLoader()).discover(wanted);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    /** Entry point of the launcher script. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // PNG plots are encoded in memory: ImageIO's default file cache in java.io.tmpdir fails on a full disk and
        // then prints a NullPointerException from its closer thread at exit
        javax.imageio.ImageIO.setUseCache(false);
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                StopSignal.install()));
    }

    /** Runs the CLI in-process and returns the exit status (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, StopSignal.none());
    }

    /** Runs the CLI with {@code stop} as the process's stop signal and returns the exit status. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, StopSignal stop) {
        CommandLine cli = commandLine(args, err);
        ((SufficeCli) cli.getCommand()).stop = stop;
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine(String[] args, PrintWriter err) {
        SufficeCli root = new SufficeCli();
        CommandLine cli = new CommandLine(root);
        Path dir = pluginsDirFrom(args);
        root.discoveredDir = dir.toAbsolutePath().normalize();
        try {
            root.discovered = new PluginDiscovery(SufficeCli.class.getClassLoader()).discover(dir);
        } catch (ConfigException e) {
            // A plugin conflict: the built-in commands report it when they run.
            root.discoveryError = e;
        }
        if (root.discovered != null) {
            for (CommandProvider c : root.discovered.commands()) {
                if (cli.getSubcommands().containsKey(c.name())) {
                    err.println("warning: plugin command '" + c.name() + "' ignored: the name is taken");
                } else {
                    cli.addSubcommand(c.name(), c.command());
                }
            }
        }
        // a wrong option value is one line naming it, not the whole usage text (that is what --help is for)
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine line = e.getCommandLine();
            line.getErr().println("error: " + e.getMessage() + " (see: " + line.getCommandSpec().qualifiedName()
                    + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConfigException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            line.getErr().println("failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            org.slf4j.LoggerFactory.getLogger(SufficeCli.class).debug("failure", e);
            return 1;
        });
        return cli;
    }

    /** The plugins folder named on the command line, before picocli parses it. */
    static Path pluginsDirFrom(String[] args) {
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            if (a.equals("--plugins-dir") && i + 1 < list.size()) {
                return Path.of(list.get(i + 1));
            }
            if (a.startsWith("--plugins-dir=")) {
                return Path.of(a.substring("--plugins-dir=".length()));
            }
        }
        return Path.of(RunSettings.DEFAULT_PLUGINS);
    }

    /** Version from the build (filtered resource). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            Properties p = new Properties();
            try (InputStream in = SufficeCli.class.getResourceAsStream("/io/suffice/runtime/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[]{"suffice " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
