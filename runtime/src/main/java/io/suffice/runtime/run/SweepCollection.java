package io.suffice.runtime.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.config.SweepExpansion.Arm;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sweep whose arms ran elsewhere (Slurm array tasks, each {@code suffice run CONFIG --arm N}), read back from its
 * run folder: each arm's state from its sub-folder's {@code summary.json}, and the sweep's table and figures written
 * with the same code a local sweep uses ({@link SweepReport}), so {@code sweep.csv} is the local one, arm by arm.
 */
public final class SweepCollection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepCollection() {
    }

    /**
     * One arm as its folder shows it.
     *
     * @param index  the arm's index ({@code --arm N})
     * @param label  its sub-folder's name (empty for a run without a sweep: the run folder itself)
     * @param folder its folder
     * @param status {@code ok}, {@code diverged}, {@code failed} or {@code interrupted} (as in {@code summary.json}),
     *               or {@code missing} when the arm has not written a {@code summary.json}
     * @param error  the recorded failure message, or null
     * @param arm    the arm of the expanded sweep
     */
    public record ArmState(int index, String label, Path folder, String status, String error,
                           Map<String, Double> summary, Arm arm) {
    }

    /**
     * Reads every arm of the run folder whose resolved config is {@code config}.
     *
     * @throws ConfigException when an arm folder's {@code config.yaml} is not the config of that arm of this sweep
     *                         (folders from different runs mixed together)
     */
    public static List<ArmState> read(Path runFolder, ExperimentConfig config, ConfigResolver resolver) {
        boolean sweep = !config.sweep().isEmpty();
        List<ArmState> out = new ArrayList<>();
        for (Arm arm : SweepExpansion.expand(config, resolver)) {
            Path dir = sweep ? runFolder.resolve(arm.label()) : runFolder;
            if (sweep && Files.exists(dir.resolve("config.yaml"))) {
                ConfigTree theirs = ConfigTree.read(dir.resolve("config.yaml"));
                List<String> diffs = differences(ResumeCheck.flatten(theirs.asMap()),
                        ResumeCheck.flatten(arm.config().tree().asMap()));
                if (!diffs.isEmpty()) {
                    throw new ConfigException(dir.resolve("config.yaml") + ": this arm comes from a different config "
                            + "than " + runFolder.resolve("config.yaml") + " (" + String.join("; ", diffs) + ")");
                }
            }
            out.add(state(arm, sweep ? arm.label() : "", dir));
        }
        return out;
    }

    /** Writes {@code sweep.csv} and the sweep figures from the arms that have finished (a summary.json). */
    public static RunOutcome collect(Path runFolder, ExperimentConfig config, List<ArmState> arms) {
        List<ArmOutcome> outcomes = new ArrayList<>();
        for (ArmState a : arms) {
            if (!a.status().equals("missing")) {
                outcomes.add(new ArmOutcome(a.label(), a.arm().values(), a.folder(), a.summary(), a.error(),
                        a.status()));
            }
        }
        RunOutcome outcome = new RunOutcome(runFolder, outcomes);
        if (!config.sweep().isEmpty()) {
            SweepReport.write(outcome, config.sweep());
        }
        return outcome;
    }

    private static ArmState state(Arm arm, String label, Path dir) {
        Path file = dir.resolve("summary.json");
        if (!Files.exists(file)) {
            return new ArmState(arm.index(), label, dir, "missing", null, Map.of(), arm);
        }
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String status = json.path("status").asText("failed");
        String error = json.hasNonNull("error") ? json.get("error").asText() : null;
        if (error == null && !status.equals("ok")) {
            error = status;
        }
        Map<String, Double> summary = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("summary").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // non-finite figures are written as strings ("NaN", "Infinity"): JSON has no literal for them
            summary.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble()
                    : Double.parseDouble(e.getValue().asText()));
        }
        return new ArmState(arm.index(), label, dir, status, error, summary, arm);
    }

    /** Keys whose values differ, leaving out where and how the arm ran ({@link RunSettings#RESUMABLE_DIFFERENCES}). */
    private static List<String> differences(Map<String, Object> theirs, Map<String, Object> ours) {
        List<String> out = new ArrayList<>();
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(theirs.keySet());
        keys.addAll(ours.keySet());
        for (String k : keys) {
            if (k.startsWith("run.") && RunSettings.RESUMABLE_DIFFERENCES.contains(k.substring(4).split("\\.")[0])) {
                continue;
            }
            Object a = theirs.get(k);
            Object b = ours.get(k);
            if (!Objects.equals(a == null ? null : String.valueOf(a), b == null ? null : String.valueOf(b))) {
                out.add(k + ": arm " + (a == null ? "(unset)" : a) + ", sweep " + (b == null ? "(unset)" : b));
            }
        }
        return out;
    }
}
