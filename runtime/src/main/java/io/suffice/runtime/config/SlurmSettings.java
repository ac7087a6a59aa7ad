package io.suffice.runtime.config;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.runtime.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section {@code run.slurm}: how the arms of a sweep are submitted when {@code run.executor} is {@code slurm}. Every
 * option maps to one {@code sbatch} option; empty strings and 0 leave the cluster's default.
 *
 * @param partition        {@code --partition}, or empty for the cluster's default partition
 * @param time             {@code --time} per arm ({@code MM}, {@code MM:SS}, {@code HH:MM:SS}, {@code D-HH},
 *                         {@code D-HH:MM}, {@code D-HH:MM:SS}), or empty for the partition's limit
 * @param cpusPerTask      {@code --cpus-per-task}: the CPUs of one arm; its JVM and ONNX Runtime use this many
 * @param mem              {@code --mem} per arm ({@code 4G}, {@code 500M}, ...), or empty
 * @param gres             {@code --gres} per arm ({@code gpu:1}, {@code gpu:a100:2}), or empty; a GPU gres makes the
 *                         arms run with {@code run.device: cuda} unless {@code run.device} is set
 * @param account          {@code --account}, or empty
 * @param qos              {@code --qos}, or empty
 * @param arrayParallelism the {@code %N} of {@code --array}: arms running at once (0 = no limit)
 * @param extra            further raw sbatch options, each one {@code --option[=value]}
 * @param setup            shell lines the batch script runs before the arm (e.g. {@code module load java/17})
 */
public record SlurmSettings(String partition, String time, int cpusPerTask, String mem, String gres, String account,
                            String qos, int arrayParallelism, List<String> extra, List<String> setup) {
    /** Every key of section {@code run.slurm}. */
    public static final List<String> KEYS = List.of("partition", "time", "cpus-per-task", "mem", "gres", "account",
            "qos", "array-parallelism", "extra", "setup");
    /** The executors ({@code run.executor}). */
    public static final List<String> EXECUTORS = List.of("local", "slurm");

    private static final String TIME = "\\d+|\\d+:\\d{1,2}|\\d+:\\d{1,2}:\\d{1,2}|\\d+-\\d{1,2}|\\d+-\\d{1,2}:\\d{1,2}"
            + "|\\d+-\\d{1,2}:\\d{1,2}:\\d{1,2}";
    private static final String MEM = "\\d+[KMGT]?";
    private static final String GRES = "[A-Za-z][A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]+)*(,[A-Za-z][A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]+)*)*";
    private static final String WORD = "[A-Za-z0-9_.+-]+";

    public SlurmSettings {
        extra = List.copyOf(extra);
        setup = List.copyOf(setup);
    }

    /** No options: the cluster's defaults, one CPU per arm. */
    public static SlurmSettings defaults() {
        return new SlurmSettings("", "", 1, "", "", "", "", 0, List.of(), List.of());
    }

    /** Whether {@link #gres} asks for GPUs. */
    public boolean wantsGpu() {
        return gres.matches("(^|.*,)gpu(:.*)?");
    }

    /**
     * Validates section {@code run.slurm} (null when absent) and returns the settings; {@code resolved} receives the
     * section as the resolved config holds it (only the keys that were set, plus {@code cpus-per-task}).
     */
    static SlurmSettings parse(Object section, Map<String, Object> resolved) {
        if (section == null) {
            return defaults();
        }
        if (!(section instanceof Map<?, ?> raw)) {
            throw new ConfigException("run.slurm = " + section + ": expected a section (key: value pairs), got "
                    + ConfigTree.typeName(section));
        }
        for (Object key : raw.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new ConfigException("run.slurm." + key + " = " + raw.get(key) + ": unknown key; choices: " + KEYS);
            }
        }
        String partition = text(raw, "partition", WORD, "a partition name");
        String time = text(raw, "time", TIME, "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS");
        long cpus = number(raw, "cpus-per-task", 1);
        if (cpus < 1) {
            throw new ConfigException("run.slurm.cpus-per-task = " + cpus + ": must be at least 1");
        }
        String mem = text(raw, "mem", MEM, "a size such as 500M, 4G or 4096 (megabytes)");
        String gres = text(raw, "gres", GRES, "name[:type][:count], e.g. gpu:1 or gpu:a100:2");
        String account = text(raw, "account", WORD, "an account name");
        String qos = text(raw, "qos", WORD, "a QOS name");
        long parallelism = number(raw, "array-parallelism", 0);
        if (parallelism < 0) {
            throw new ConfigException("run.slurm.array-parallelism = " + parallelism
                    + ": must be >= 0 (arms running at once; 0 = no limit)");
        }
        List<String> extra = lines(raw, "extra");
        for (String option : extra) {
            if (!option.matches("--[A-Za-z][A-Za-z0-9-]*(=\\S.*)?") || option.contains("\n")) {
                throw new ConfigException("run.slurm.extra = " + raw.get("extra") + ": '" + option
                        + "' is not an sbatch option of the form --name or --name=value");
            }
        }
        List<String> setup = lines(raw, "setup");
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (raw.containsKey(key)) {
                out.put(key, switch (key) {
                    case "partition" -> partition;
                    case "time" -> time;
                    case "mem" -> mem;
                    case "gres" -> gres;
                    case "account" -> account;
                    case "qos" -> qos;
                    case "array-parallelism" -> parallelism;
                    case "extra" -> extra;
                    case "setup" -> setup;
                    default -> cpus;
                });
            }
        }
        out.put("cpus-per-task", cpus);
        resolved.putAll(out);
        return new SlurmSettings(partition, time, (int) cpus, mem, gres, account, qos, (int) parallelism, extra,
                setup);
    }

    private static String text(Map<?, ?> raw, String key, String pattern, String expected) {
        Object v = raw.get(key);
        if (v == null) {
            return "";
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException("run.slurm." + key + " = " + v + ": expected " + expected + ", got "
                    + ConfigTree.typeName(v));
        }
        String s = String.valueOf(v).trim();
        if (!s.isEmpty() && !s.matches(pattern)) {
            throw new ConfigException("run.slurm." + key + " = " + s + ": expected " + expected);
        }
        return s;
    }

    private static long number(Map<?, ?> raw, String key, long fallback) {
        return (Long) ParameterValues.convert(ParameterSpec.ofInt(key, fallback, ""),
                raw.get(key) == null ? fallback : raw.get(key), "run.slurm." + key, "run.slurm");
    }

    /** A list of strings, or one string (several lines for {@code setup}). */
    private static List<String> lines(Map<?, ?> raw, String key) {
        Object v = raw.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Map) {
            throw new ConfigException("run.slurm." + key + " = " + v + ": expected a list of strings");
        }
        for (Object item : v instanceof List<?> l ? l : List.of(v)) {
            if (item instanceof Map || item instanceof List) {
                throw new ConfigException("run.slurm." + key + " = " + v + ": expected a list of strings, got an item "
                        + item);
            }
            for (String line : String.valueOf(item).split("\n")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }
}
