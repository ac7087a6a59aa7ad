package io.suffice.runtime.config;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.runtime.plugin.PluginDescriptor;
import io.suffice.runtime.plugin.PluginRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Applies {@code --set key=value} overrides to a config the way a user means them: a value set on a key that the
 * config's sweep varies replaces that axis by the single value (instead of being silently overridden by the sweep),
 * {@code --set sweep.key=[...]} sets an axis, and switching a section's plugin ({@code --set optimizer.name=gd})
 * drops the keys the new plugin does not declare. Each of the last two prints one note line. Stateless.
 */
public final class CommandLineOverrides {
    private CommandLineOverrides() {
    }

    /**
     * @param notes receives one line per axis replaced and per plugin switch that dropped keys
     */
    public static ConfigTree apply(ConfigTree tree, List<String> sets, PluginRegistry registry,
                                   Consumer<String> notes) {
        for (String assignment : sets) {
            ConfigTree before = tree;
            tree = tree.withOverride(assignment);
            String key = assignment.substring(0, assignment.indexOf('=')).trim();
            if (!key.startsWith("sweep.") && before.get("sweep") instanceof Map<?, ?> sweep
                    && sweep.containsKey(key)) {
                Map<String, Object> rest = new LinkedHashMap<>();
                sweep.forEach((k, v) -> {
                    if (!k.equals(key)) {
                        rest.put(String.valueOf(k), v);
                    }
                });
                tree = tree.with("sweep", rest.isEmpty() ? null : rest);
                notes.accept("note: --set " + key + "=" + tree.get(key) + " replaces the sweep axis " + key + " = "
                        + sweep.get(key) + " by this single value");
            }
            int dot = key.indexOf('.');
            if (dot > 0 && key.substring(dot + 1).equals("name")) {
                tree = dropForeignKeys(tree, key.substring(0, dot), registry, notes);
            }
        }
        return tree;
    }

    private static ConfigTree dropForeignKeys(ConfigTree tree, String section, PluginRegistry registry,
                                              Consumer<String> notes) {
        var kind = ConfigResolver.COMPONENT_SECTIONS.get(section);
        if (kind == null || !(tree.get(section) instanceof Map<?, ?> values)) {
            return tree;
        }
        var plugin = registry.find(kind, String.valueOf(values.get("name")));
        if (plugin.isEmpty()) {
            return tree; // the resolver reports the unknown name with the choices
        }
        Set<String> declared = plugin.map(PluginDescriptor::parameters).orElseThrow().stream()
                .map(ParameterSpec::name).collect(Collectors.toSet());
        List<String> dropped = new ArrayList<>();
        for (Object k : values.keySet()) {
            String name = String.valueOf(k);
            if (!name.equals("name") && !declared.contains(name)) {
                dropped.add(name);
                tree = tree.without(section + "." + name);
            }
        }
        if (!dropped.isEmpty()) {
            notes.accept("note: " + section + " '" + values.get("name") + "' has no " + String.join(", ", dropped)
                    + "; dropped " + (dropped.size() == 1 ? "it" : "them"));
        }
        return tree;
    }
}
