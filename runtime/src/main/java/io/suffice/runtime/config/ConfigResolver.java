package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.runtime.plugin.PluginDescriptor;
import io.suffice.runtime.plugin.PluginRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a {@link ConfigTree} against the discovered plugins and completes it with defaults. Every problem is a
 * {@link ConfigException} with one line naming the key, the value and the choices.
 * <p>
 * Layout: {@code run} (settings), {@code task} (required; a downstream plugin), optional {@code dataset},
 * {@code optimizer}, {@code encoder} (plugins of those kinds), optional {@code sweep} (key to list of values).
 * A plugin section is {@code name} plus the plugin's declared parameters.
 */
public final class ConfigResolver {
    /** Config sections that select a plugin, and the kind each selects. */
    public static final Map<String, PluginKind> COMPONENT_SECTIONS = orderedSections();

    private static final List<String> RUN_KEYS = RunSettings.KEYS;
    /** Task keys of earlier releases that are run settings now. */
    private static final List<String> MOVED_TO_RUN = List.of("checkpoint-every", "resume");

    private final PluginRegistry registry;

    public ConfigResolver(PluginRegistry registry) {
        this.registry = registry;
    }

    private static Map<String, PluginKind> orderedSections() {
        Map<String, PluginKind> m = new LinkedHashMap<>();
        m.put("task", PluginKind.DOWNSTREAM);
        m.put("dataset", PluginKind.DATASET);
        m.put("encoder", PluginKind.ENCODER);
        m.put("text-encoder", PluginKind.ENCODER);
        m.put("optimizer", PluginKind.OPTIMIZER);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Resolves the tree.
     *
     * @param defaultName run name when {@code run.name} is absent (for example the config file's base name)
     */
    public ExperimentConfig resolve(ConfigTree tree, String defaultName) {
        Map<String, Object> root = tree.asMap();
        List<String> known = new ArrayList<>(List.of("run", "sweep"));
        known.addAll(COMPONENT_SECTIONS.keySet());
        for (String key : root.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(key + ": unknown config section; choices: " + known);
            }
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        RunSettings run = runSettings(section(root, "run"), defaultName, resolved);
        Map<String, ComponentSelection> components = new LinkedHashMap<>();
        for (Map.Entry<String, PluginKind> e : COMPONENT_SECTIONS.entrySet()) {
            String name = e.getKey();
            if (!root.containsKey(name)) {
                if (name.equals("task")) {
                    throw new ConfigException("task: missing section; name the job to run, e.g. task: {name: "
                            + "logistic-regression}; choices: " + registry.plugins(PluginKind.DOWNSTREAM).stream()
                            .map(PluginDescriptor::name).toList());
                }
                continue;
            }
            ComponentSelection c = component(name, e.getValue(), section(root, name));
            components.put(name, c);
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("name", c.name());
            values.putAll(c.config().values());
            resolved.put(name, values);
        }
        List<SweepAxis> sweep = sweep(section(root, "sweep"));
        if (!sweep.isEmpty()) {
            Map<String, Object> s = new LinkedHashMap<>();
            sweep.forEach(a -> s.put(a.key(), a.values()));
            resolved.put("sweep", s);
        }
        ConfigTree out = ConfigTree.empty();
        for (Map.Entry<String, Object> e : resolved.entrySet()) {
            out = out.with(e.getKey(), e.getValue());
        }
        return new ExperimentConfig(run, components, sweep, out);
    }

    private static Map<String, Object> section(Map<String, Object> root, String name) {
        Object v = root.get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            throw new ConfigException(name + " = " + v + ": expected a section (key: value pairs), got "
                    + ConfigTree.typeName(v));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    private static RunSettings runSettings(Map<String, Object> s, String defaultName, Map<String, Object> resolved) {
        for (String key : s.keySet()) {
            if (!RUN_KEYS.contains(key)) {
                throw new ConfigException("run." + key + " = " + s.get(key) + ": unknown key; choices: " + RUN_KEYS);
            }
        }
        String name = String.valueOf(s.getOrDefault("name", defaultName));
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("run.name = " + name + ": use letters, digits, '.', '_' and '-' only");
        }
        long seed = (Long) ParameterValues.convert(ParameterSpec.ofInt("seed", 0, ""), s.getOrDefault("seed", 0L),
                "run.seed", "run");
        long parallel = (Long) ParameterValues.convert(ParameterSpec.ofInt("parallel", 1, ""),
                s.getOrDefault("parallel", 1L), "run.parallel", "run");
        if (parallel < 1) {
            throw new ConfigException("run.parallel = " + parallel + ": must be at least 1");
        }
        String output = String.valueOf(s.getOrDefault("output", "runs"));
        String plugins = String.valueOf(s.getOrDefault("plugins", RunSettings.DEFAULT_PLUGINS));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("seed", seed);
        r.put("output", output);
        r.put("plugins", plugins);
        r.put("parallel", parallel);
        String device = String.valueOf(s.getOrDefault("device", RunSettings.DEFAULT_DEVICE)).trim()
                .toLowerCase(java.util.Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("cuda(:\\d+)?")) {
            throw new ConfigException("run.device = " + device + ": choices: cpu, cuda, cuda:N");
        }
        if (s.containsKey("device")) {
            r.put("device", device);
        }
        long checkpointEvery = (Long) ParameterValues.convert(ParameterSpec.ofInt("checkpoint-every", 0, ""),
                s.getOrDefault("checkpoint-every", 0L), "run.checkpoint-every", "run");
        if (checkpointEvery < 0) {
            throw new ConfigException("run.checkpoint-every = " + checkpointEvery + ": must be >= 0 (steps between "
                    + "checkpoints; 0 = only at the end of training)");
        }
        r.put("checkpoint-every", checkpointEvery);
        String resume = s.get("resume") == null ? "" : String.valueOf(s.get("resume"));
        if (!resume.isEmpty()) {
            r.put("resume", resume);
        }
        List<String> export = new ArrayList<>();
        Object e = s.get("export");
        if (e != null) {
            for (Object f : e instanceof List<?> l ? l : List.of(e)) {
                String format = String.valueOf(f).trim();
                if (!RunSettings.EXPORT_FORMATS.contains(format)) {
                    throw new ConfigException("run.export = " + e + ": unknown format '" + format + "'; choices: "
                            + RunSettings.EXPORT_FORMATS);
                }
                if (!export.contains(format)) {
                    export.add(format);
                }
            }
            r.put("export", export);
        }
        String executor = String.valueOf(s.getOrDefault("executor", "local")).trim().toLowerCase(java.util.Locale.ROOT);
        if (!SlurmSettings.EXECUTORS.contains(executor)) {
            throw new ConfigException("run.executor = " + executor + ": choices: " + SlurmSettings.EXECUTORS);
        }
        Map<String, Object> slurmResolved = new LinkedHashMap<>();
        SlurmSettings slurm = SlurmSettings.parse(s.get("slurm"), slurmResolved);
        if (executor.equals("slurm")) {
            r.put("executor", executor);
            r.put("slurm", slurmResolved);
            if (slurm.wantsGpu() && !s.containsKey("device")) {
                device = "cuda"; // the arm asked Slurm for a GPU: use it
                r.put("device", device);
            }
        } else if (s.containsKey("executor")) {
            r.put("executor", executor);
        }
        resolved.put("run", r);
        return new RunSettings(name, seed, Path.of(output), Path.of(plugins), (int) parallel, device,
                checkpointEvery, resume, export, executor, slurm);
    }

    private ComponentSelection component(String section, PluginKind kind, Map<String, Object> s) {
        Object name = s.get("name");
        if (name == null) {
            throw new ConfigException(section + ".name: missing; choices: "
                    + registry.plugins(kind).stream().map(PluginDescriptor::name).toList());
        }
        PluginDescriptor plugin = registry.require(kind, String.valueOf(name), section + ".name");
        String owner = kind.label() + " '" + plugin.name() + "'";
        Map<String, ParameterSpec> specs = new LinkedHashMap<>();
        plugin.parameters().forEach(p -> specs.put(p.name(), p));
        for (String key : s.keySet()) {
            if (section.equals("task") && MOVED_TO_RUN.contains(key) && !specs.containsKey(key)) {
                throw new ConfigException("task." + key + " = " + s.get(key) + ": moved to run." + key
                        + " (the training core checkpoints and resumes every task)");
            }
            if (!key.equals("name") && !specs.containsKey(key)) {
                throw new ConfigException(section + "." + key + " = " + s.get(key) + ": unknown key for " + owner
                        + "; choices: " + new ArrayList<>(specs.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterSpec spec : specs.values()) {
            Object v = s.get(spec.name());
            if (v == null) {
                if (spec.defaultValue() == null) {
                    throw new ConfigException(section + "." + spec.name() + ": required by " + owner + " ("
                            + spec.description() + ")");
                }
                values.put(spec.name(), spec.defaultValue());
            } else {
                values.put(spec.name(), ParameterValues.convert(spec, v, section + "." + spec.name(), owner));
            }
        }
        PluginConfig config = new PluginConfig(kind, plugin.name(), values);
        try {
            plugin.provider().validate(config);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(section + ": " + e.getMessage());
        }
        return new ComponentSelection(section, config);
    }

    /** The run setting a sweep may vary: each arm's seed. */
    static final String SEED_AXIS = "run.seed";

    private static List<SweepAxis> sweep(Map<String, Object> s) {
        List<SweepAxis> axes = new ArrayList<>();
        for (Map.Entry<String, Object> e : s.entrySet()) {
            // run.seed is the one run setting that belongs to an arm (seed spread); the others shape the launch
            if ((e.getKey().startsWith("run.") && !e.getKey().equals(SEED_AXIS)) || e.getKey().startsWith("sweep")) {
                throw new ConfigException("sweep." + e.getKey() + ": run settings (other than run.seed) and the "
                        + "sweep itself cannot be swept");
            }
            if (e.getValue() == null) {
                throw new ConfigException("sweep." + e.getKey() + " has no values (give a list, e.g. [1, 10])");
            }
            List<Object> values = e.getValue() instanceof List<?> l ? new ArrayList<>(l) : List.of(e.getValue());
            if (values.stream().anyMatch(java.util.Objects::isNull)) { // (List.of rejects contains(null))
                throw new ConfigException("sweep." + e.getKey() + " = " + values + ": value "
                        + (values.indexOf(null) + 1) + " is empty");
            }
            axes.add(new SweepAxis(e.getKey(), values));
        }
        return axes;
    }
}
