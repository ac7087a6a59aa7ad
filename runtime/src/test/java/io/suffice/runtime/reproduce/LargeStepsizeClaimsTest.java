package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The large-stepsize rules on hand-made arms whose verdicts are known. */
class LargeStepsizeClaimsTest {
    @TempDir
    Path dir;

    /** An arm with a metrics.csv of T+1 rows (risk, normalized_margin) and the tracker's summary figures. */
    private ArmOutcome arm(String name, double eta, int seed, int transition, int increases, double toTarget, int t,
                           IntToDoubleFunction risk, IntToDoubleFunction margin) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        StringBuilder csv = new StringBuilder("step,risk,normalized_margin\n");
        for (int i = 0; i <= t; i++) {
            csv.append(i).append(',').append(risk.applyAsDouble(i)).append(',').append(margin.applyAsDouble(i))
                    .append('\n');
        }
        Files.writeString(folder.resolve("metrics.csv"), csv);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("optimizer.stepsize", eta);
        values.put("dataset.seed", seed);
        Map<String, Double> summary = Map.of("risk_increases", (double) increases, "phase_transition_step",
                (double) transition, "steps_to_target", toTarget);
        return new ArmOutcome(name, values, folder, summary, null);
    }

    @Test
    void oscillatingStepsizeFirstToTheTargetWithAFlatRateAndARisingMarginHolds() throws IOException {
        List<ArmOutcome> arms = new ArrayList<>();
        for (int seed = 0; seed < 2; seed++) {
            arms.add(arm("mono" + seed, 10, seed, 0, 0, -1, 1000, i -> 0.7 / (1 + 0.01 * i), i -> 0.01));
            // L = 1/(eta t) after the transition at step 20: eta t L = 1, flat; margin rising smoothly
            arms.add(arm("osc" + seed, 1e4, seed, 20, 5, 30, 1000, i -> i <= 20 ? 5.0 : 1 / (1e4 * i),
                    i -> i <= 20 ? -0.5 : 0.01 * (1 - 1.0 / i)));
        }
        assertThat(LargeStepsizeClaims.acceleration("f", arms, "dataset.seed", null).verdict())
                .isEqualTo(Outcome.HOLDS);
        assertThat(LargeStepsizeClaims.rate("f", arms, null).verdict()).isEqualTo(Outcome.HOLDS);
        assertThat(LargeStepsizeClaims.margin("f", arms, null).verdict()).isEqualTo(Outcome.HOLDS);
    }

    @Test
    void slowerOscillationAGrowingRateAndAFallingMarginFail() throws IOException {
        List<ArmOutcome> arms = new ArrayList<>();
        arms.add(arm("mono", 10, 0, 0, 0, 100, 1000, i -> 0.7 / (1 + i), i -> 0.01));
        // eta t L grows like t^0.5 (risk ~ t^-0.5); the margin falls by half after the transition
        arms.add(arm("osc", 1e4, 0, 20, 5, -1, 1000, i -> i <= 20 ? 5.0 : 1 / (1e4 * Math.sqrt(i)),
                i -> i <= 20 ? -0.5 : 0.02 - 0.01 * i / 1000.0));
        Verdict acc = LargeStepsizeClaims.acceleration("f", arms, "dataset.seed", null);
        assertThat(acc.verdict()).isEqualTo(Outcome.FAILS);
        assertThat(acc.measured()).contains("oscillating never (eta 1.00e+04) vs monotone 100 (eta 10.0)");
        assertThat(LargeStepsizeClaims.rate("f", arms, null).verdict()).isEqualTo(Outcome.FAILS);
        assertThat(LargeStepsizeClaims.margin("f", arms, null).verdict()).isEqualTo(Outcome.FAILS);
    }

    @Test
    void withoutBothKindsOfStepsizeOrWithoutArmsNothingIsDecided() throws IOException {
        List<ArmOutcome> onlyMono = List.of(arm("mono", 10, 0, 0, 0, 100, 100, i -> 0.5, i -> 0.01));
        assertThat(LargeStepsizeClaims.acceleration("f", onlyMono, "dataset.seed", null).verdict())
                .isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(LargeStepsizeClaims.rate("f", onlyMono, null).verdict()).isEqualTo(Outcome.INCONCLUSIVE);
        Verdict none = LargeStepsizeClaims.acceleration("f", List.of(), "dataset.seed", "part 'xor' did not run");
        assertThat(none.verdict()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(none.detail()).isEqualTo("part 'xor' did not run");
    }
}
