package io.suffice.runtime.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a launched experiment produced.
 *
 * @param folder the run folder
 * @param arms   one entry per arm (a single run has one arm with no swept values)
 */
public record RunOutcome(Path folder, List<ArmOutcome> arms) {
    public RunOutcome {
        arms = List.copyOf(arms);
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
     */
    public record ArmOutcome(String label, Map<String, Object> values, Path folder, Map<String, Double> summary,
                             String error) {
    }
}
