package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.downstream.contrastive.ClipModel;
import java.util.List;

/**
 * Parameters of the {@code clip} task (see {@link ClipTaskProvider} for their meaning and defaults).
 * {@code guidePenalty} is lambda of the guided variant (contrastive-jghm.md sec. 5, {@link ClipModel}): 0 trains
 * the standard model. {@code supervised} trains the supervised reference of {@link LabelledEvaluation} (labelled
 * datasets only). {@code guideTarget} is {@code beliefs} or the authors' {@code log-messages}
 * ({@link ClipModel.GuideTarget}). Checkpoints and resume are the run's ({@code run.checkpoint-every}, {@code run.resume}).
 */
public record ClipSettings(String objective, long steps, int batch, int candidates, long logEvery,
                           String imageField, String textField, String rootField,
                           int evalGroups, int bayesSamples, int zeroShotImages, List<Long> prompts,
                           int probeTrain, int probeTest, double guidePenalty, boolean supervised,
                           String guideTarget) {
    /** Settings of the standard (unguided) model. */
    public ClipSettings(String objective, long steps, int batch, int candidates, long logEvery, String imageField,
                        String textField, String rootField, int evalGroups, int bayesSamples, int zeroShotImages,
                        List<Long> prompts, int probeTrain, int probeTest) {
        this(objective, steps, batch, candidates, logEvery, imageField, textField, rootField, evalGroups, bayesSamples,
                zeroShotImages, prompts, probeTrain, probeTest, 0);
    }

    /** Settings with the supervised reference on (it runs only on labelled datasets). */
    public ClipSettings(String objective, long steps, int batch, int candidates, long logEvery, String imageField,
                        String textField, String rootField, int evalGroups, int bayesSamples, int zeroShotImages,
                        List<Long> prompts, int probeTrain, int probeTest, double guidePenalty) {
        this(objective, steps, batch, candidates, logEvery, imageField, textField, rootField, evalGroups, bayesSamples,
                zeroShotImages, prompts, probeTrain, probeTest, guidePenalty, true);
    }

    /** Settings with the guided variant's default targets (the normalised beliefs). */
    public ClipSettings(String objective, long steps, int batch, int candidates, long logEvery, String imageField,
                        String textField, String rootField, int evalGroups, int bayesSamples, int zeroShotImages,
                        List<Long> prompts, int probeTrain, int probeTest, double guidePenalty, boolean supervised) {
        this(objective, steps, batch, candidates, logEvery, imageField, textField, rootField, evalGroups, bayesSamples,
                zeroShotImages, prompts, probeTrain, probeTest, guidePenalty, supervised,
                ClipModel.GuideTarget.BELIEFS.label());
    }

    public ClipSettings {
        ClipModel.GuideTarget.of(guideTarget);
        objective = ContrastiveObjective.check(objective);
        prompts = List.copyOf(prompts);
        if (!(guidePenalty >= 0) || Double.isInfinite(guidePenalty)) {
            throw new IllegalArgumentException("guide-penalty must be a finite number >= 0 (0 = the standard model), "
                    + "got " + guidePenalty);
        }
    }

    /** Whether the guided variant's hidden-state penalty is on. */
    boolean guided() {
        return guidePenalty > 0;
    }

    /** Rows of one training batch: {@code batch * K} pairs for the K-candidate risk, {@code batch} for InfoNCE. */
    int rowsPerStep() {
        return objective.equals(ContrastiveObjective.K_CANDIDATE) ? batch * candidates : batch;
    }
}
