package io.suffice.runtime.run;

import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.train.ResumeSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks {@code run.resume} before a run folder exists, so every problem is a configuration error (exit 2) with one
 * line: the checkpoint must exist and be a suffice checkpoint of the same task, not beyond {@code task.steps}, and,
 * when training continues, come from the same configuration except the run length ({@code task.steps}), the
 * metrics cadence ({@code task.log-every}) and where/how the run executes ({@link RunSettings#RESUMABLE_DIFFERENCES}).
 * An evaluation-only resume (checkpoint at {@code task.steps}) may change anything else, e.g. the dataset's
 * {@code p} (the shift-in-p evaluation); the model's shapes are then checked tensor by tensor when it loads.
 */
final class ResumeCheck {
    private static final List<String> LENGTH_KEYS = List.of("task.steps", "task.log-every");

    private ResumeCheck() {
    }

    static ResumeSource check(Path resume, String armLabel, ExperimentConfig arm) {
        ResumeSource source;
        Map<String, String> meta;
        try {
            source = ResumeSource.of(resume, armLabel);
            meta = Checkpoints.metadata(source.checkpoint());
        } catch (Checkpoints.CheckpointException e) {
            throw new ConfigException("run.resume = " + resume + ": " + e.getMessage());
        }
        String file = source.checkpoint().toString();
        String task = arm.components().get("task").name();
        if (!task.equals(meta.getOrDefault("task", ""))) {
            throw new ConfigException("run.resume = " + resume + ": checkpoint " + file + " was written by task '"
                    + meta.getOrDefault("task", "?") + "', this run's task is '" + task + "'");
        }
        long step = Long.parseLong(meta.getOrDefault("step", "0"));
        Object steps = arm.tree().get("task.steps");
        if (steps instanceof Number n && step > n.longValue()) {
            throw new ConfigException("run.resume = " + resume + ": checkpoint " + file + " is at step " + step
                    + ", beyond task.steps = " + n + " (set task.steps to at least " + step + "; equal: evaluate only)");
        }
        boolean continues = steps instanceof Number n && step < n.longValue();
        String yaml = meta.get("config");
        if (continues && yaml != null) {
            ConfigTree then = ConfigTree.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), file);
            List<String> diffs = differences(flatten(then.asMap()), flatten(arm.tree().asMap()));
            if (!diffs.isEmpty()) {
                throw new ConfigException("run.resume = " + resume + ": this run's config differs from the "
                        + "checkpoint's in " + String.join("; ", diffs) + " (only task.steps, task.log-every and "
                        + "run." + RunSettings.RESUMABLE_DIFFERENCES + " may change when training continues)");
            }
        }
        return source;
    }

    private static List<String> differences(Map<String, Object> then, Map<String, Object> now) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(then.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            if (k.startsWith("sweep.") || LENGTH_KEYS.contains(k)
                    || k.startsWith("run.")
                    && RunSettings.RESUMABLE_DIFFERENCES.contains(k.substring(4).split("\\.")[0])) {
                continue;
            }
            Object a = then.get(k);
            Object b = now.get(k);
            if (a == null ? b != null : !String.valueOf(a).equals(String.valueOf(b))) {
                out.add(k + ": checkpoint " + (a == null ? "(unset)" : a) + ", this run " + (b == null ? "(unset)" : b));
            }
        }
        return out;
    }

    static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> out = new TreeMap<>();
        flatten("", tree, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> m, Map<String, Object> out) {
        m.forEach((k, v) -> {
            if (v instanceof Map<?, ?> sub) {
                flatten(prefix + k + ".", (Map<String, Object>) sub, out);
            } else {
                out.put(prefix + k, v);
            }
        });
    }
}
