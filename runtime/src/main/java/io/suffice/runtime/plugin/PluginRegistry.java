package io.suffice.runtime.plugin;

import io.suffice.api.plugin.CommandProvider;
import io.suffice.api.plugin.PluginKind;
import io.suffice.runtime.ConfigException;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The plugins of one process, as found by {@link PluginDiscovery}: at most one per (kind, name), plus the sources
 * that failed to load. Immutable and thread-safe.
 */
public final class PluginRegistry {
    private final List<PluginDescriptor> plugins;
    private final List<CommandProvider> commands;
    private final List<PluginLoadProblem> problems;

    public PluginRegistry(List<PluginDescriptor> plugins, List<CommandProvider> commands,
                          List<PluginLoadProblem> problems) {
        this.plugins = plugins.stream()
                .sorted(Comparator.comparing(PluginDescriptor::kind).thenComparing(PluginDescriptor::name))
                .toList();
        for (int i = 1; i < this.plugins.size(); i++) {
            PluginDescriptor a = this.plugins.get(i - 1);
            PluginDescriptor b = this.plugins.get(i);
            if (a.kind() == b.kind() && a.name().equals(b.name())) {
                throw new PluginConflictException("two " + a.kind().label() + " plugins are named '" + a.name()
                        + "': " + a.provider().getClass().getName() + " from " + a.source() + " and "
                        + b.provider().getClass().getName() + " from " + b.source() + "; remove one of them");
            }
        }
        this.commands = List.copyOf(commands);
        this.problems = List.copyOf(problems);
    }

    /** All plugins, sorted by kind then name. */
    public List<PluginDescriptor> plugins() {
        return plugins;
    }

    public List<PluginDescriptor> plugins(PluginKind kind) {
        return plugins.stream().filter(p -> p.kind() == kind).toList();
    }

    /** CLI subcommands contributed by plugins. */
    public List<CommandProvider> commands() {
        return commands;
    }

    /** Sources that failed to load and were skipped. */
    public List<PluginLoadProblem> problems() {
        return problems;
    }

    public Optional<PluginDescriptor> find(PluginKind kind, String name) {
        return plugins.stream().filter(p -> p.kind() == kind && p.name().equals(name)).findFirst();
    }

    /**
     * The plugin, or a {@link ConfigException} naming the key the name came from and the choices.
     *
     * @param key config key that named the plugin, e.g. {@code optimizer.name}
     */
    public PluginDescriptor require(PluginKind kind, String name, String key) {
        return find(kind, name).orElseThrow(() -> new ConfigException(key + " = " + name + ": unknown "
                + kind.label() + " plugin; choices: " + plugins(kind).stream().map(PluginDescriptor::name).toList()));
    }
}
