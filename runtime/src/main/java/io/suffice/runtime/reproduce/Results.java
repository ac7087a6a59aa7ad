package io.suffice.runtime.reproduce;

import io.suffice.runtime.run.MetricPlots;
import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The outcomes of a figure's parts, by part name, and what the verdict rules read from them. */
public final class Results {
    private final Map<String, RunOutcome> parts = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();

    /** Records the outcome of part {@code name}. */
    public void put(String name, RunOutcome outcome) {
        parts.put(name, outcome);
    }

    /** Records that part {@code name} could not run, and why. */
    public void problem(String name, String why) {
        problems.put(name, why);
    }

    /** The outcome of part {@code name}, or null when it did not run. */
    public RunOutcome part(String name) {
        return parts.get(name);
    }

    /** Why part {@code name} did not run or failed, or null. */
    public String problem(String name) {
        if (problems.containsKey(name)) {
            return problems.get(name);
        }
        RunOutcome o = parts.get(name);
        if (o == null) {
            return "part '" + name + "' did not run";
        }
        List<String> failed = o.arms().stream().filter(a -> a.error() != null)
                .map(a -> (a.label().isEmpty() ? "run" : a.label()) + ": " + a.error()).toList();
        return failed.isEmpty() ? null : "failed arms of part '" + name + "': " + String.join("; ", failed);
    }

    /** Every part's outcome, in launch order. */
    public Map<String, RunOutcome> all() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /** The finished arms of part {@code name} (none when it did not run). */
    public List<ArmOutcome> arms(String name) {
        RunOutcome o = parts.get(name);
        return o == null ? List.of() : o.arms().stream().filter(a -> a.error() == null).toList();
    }

    /** The finished arms of part {@code name} whose swept {@code key} equals {@code value} (compared as text). */
    public List<ArmOutcome> arms(String name, String key, Object value) {
        List<ArmOutcome> out = new ArrayList<>();
        for (ArmOutcome a : arms(name)) {
            if (Objects.equals(String.valueOf(a.values().get(key)), String.valueOf(value))) {
                out.add(a);
            }
        }
        return out;
    }

    /** Summary figure {@code key} of an arm; NaN when absent. */
    public static double summary(ArmOutcome arm, String key) {
        Double v = arm.summary().get(key);
        return v == null ? Double.NaN : v;
    }

    /** A swept value of an arm as a number. */
    public static double value(ArmOutcome arm, String key) {
        Object v = arm.values().get(key);
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
    }

    /** The arm's {@code metrics.csv} columns as {step[], value[]} (empty when it has none). */
    public static Map<String, double[][]> metrics(ArmOutcome arm) {
        return MetricPlots.read(arm.folder().resolve("metrics.csv"));
    }
}
