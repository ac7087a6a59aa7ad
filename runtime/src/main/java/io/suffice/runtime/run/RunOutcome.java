package io.suffice.runtime.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a launched experiment produced.
 *
 * @param folder the run folder
 * @param arms        one entry per arm (a single run has one arm with no swept values)
 * @param interrupted the signal that stopped the run (SIGTERM/SIGINT), or null
 */
public record RunOutcome(Path folder, List<ArmOutcome> arms,
                         io.suffice.runtime.train.StopSignal.Received interrupted) {
    public RunOutcome {
        arms = List.copyOf(arms);
    }

    /** An outcome that no signal stopped. */
    public RunOutcome(Path folder, List<ArmOutcome> arms) {
        this(folder, arms, null);
    }

    /** Whether every arm finished. */
    public boolean succeeded() {
        return arms.stream().allMatch(a -> a.error() == null);
    }

    /**
     * @param label   arm label (folder name under a sweep), empty for a single run
     * @param values  swept key to value
     * @param folder  the arm's folder
     * @param summary the task's summary figures (empty when it failed)
     * @param error   the failure message, or null
     * @param status  {@code ok}, {@code diverged}, {@code failed} or {@code interrupted} (as in summary.json)
     * @param unwrittenSummary when {@code summary.json} could not be written into the folder (a full or read-only
     *                         disk): one line saying why, with the JSON it would hold; otherwise null
     */
    public record ArmOutcome(String label, Map<String, Object> values, Path folder, Map<String, Double> summary,
                             String error, String status, String unwrittenSummary) {
        /** An arm whose summary.json was written. */
        public ArmOutcome(String label, Map<String, Object> values, Path folder, Map<String, Double> summary,
                          String error, String status) {
            this(label, values, folder, summary, error, status, null);
        }

        /** An arm that finished ({@code ok}) or failed. */
        public ArmOutcome(String label, Map<String, Object> values, Path folder, Map<String, Double> summary,
                          String error) {
            this(label, values, folder, summary, error, error == null ? "ok" : "failed");
        }
    }
}
