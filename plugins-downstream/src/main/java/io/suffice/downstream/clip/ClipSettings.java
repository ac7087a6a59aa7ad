package io.suffice.downstream.clip;

import java.util.List;

/**
 * Parameters of the {@code clip} task (see {@link ClipTaskProvider} for their meaning and defaults).
 */
public record ClipSettings(String objective, long steps, int batch, int candidates, long logEvery,
                           String imageField, String textField, String rootField,
                           int evalGroups, int bayesSamples, int zeroShotImages, List<Long> prompts,
                           int probeTrain, int probeTest, long checkpointEvery, String resume) {
    /** Settings without checkpoints. */
    public ClipSettings(String objective, long steps, int batch, int candidates, long logEvery, String imageField,
                        String textField, String rootField, int evalGroups, int bayesSamples, int zeroShotImages,
                        List<Long> prompts, int probeTrain, int probeTest) {
        this(objective, steps, batch, candidates, logEvery, imageField, textField, rootField, evalGroups, bayesSamples,
                zeroShotImages, prompts, probeTrain, probeTest, 0, "");
    }

    public ClipSettings {
        objective = ContrastiveObjective.check(objective);
        prompts = List.copyOf(prompts);
    }

    /** Rows of one training batch: {@code batch * K} pairs for the K-candidate risk, {@code batch} for InfoNCE. */
    int rowsPerStep() {
        return objective.equals(ContrastiveObjective.K_CANDIDATE) ? batch * candidates : batch;
    }
}
