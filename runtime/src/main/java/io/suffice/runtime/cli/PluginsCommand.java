package io.suffice.runtime.cli;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.runtime.plugin.PluginDescriptor;
import io.suffice.runtime.plugin.PluginRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code suffice plugins}: what was discovered, with parameters and the JAR each came from. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List discovered plugins (kind, name, description, parameters, source).")
final class PluginsCommand implements Callable<Integer> {

    enum Format { table, csv }

    @Option(names = "--format", defaultValue = "table", description = "table or csv (default: ${DEFAULT-VALUE})")
    Format format;

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PluginRegistry registry = parent.registry(parent.pluginsDir);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.csv) {
            out.println("kind,name,description,parameters,source");
            for (PluginDescriptor p : registry.plugins()) {
                out.println(String.join(",", p.kind().label(), csv(p.name()), csv(p.description()),
                        csv(p.parameters().stream().map(PluginsCommand::brief).collect(Collectors.joining("; "))),
                        csv(p.source())));
            }
        } else {
            for (PluginDescriptor p : registry.plugins()) {
                out.printf("%-10s %-22s %s%n", p.kind().label(), p.name(), p.description());
                out.printf("%-10s %-22s   from %s%n", "", "", p.source());
                for (ParameterSpec s : p.parameters()) {
                    out.printf("%-10s %-22s   %s  %s%n", "", "", brief(s), s.description());
                }
            }
        }
        // Skipped plugin sources were logged as warnings (stderr) by the discovery.
        return 0;
    }

    private static String brief(ParameterSpec s) {
        String value = s.defaultValue() == null ? "(required)" : "=" + s.defaultValue();
        String choices = s.choices().isEmpty() ? "" : " " + s.choices();
        String range = s.range() == null || s.range().equals(io.suffice.api.plugin.Range.FINITE) ? ""
                : " (" + s.range().describe() + ")";
        return s.name() + ":" + s.type().label() + value + choices + range;
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
