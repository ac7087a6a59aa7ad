package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shift rule decides only where the model is nearer one oracle than the oracles are to each other. */
class ShiftFigureTest {

    /** A shift sweep where the model's risk is {@code model(p)}, Bayes 1.0 and BP(0.2) 1.1 at every shifted p. */
    private static Results shift(double model) {
        List<ArmOutcome> arms = new ArrayList<>();
        for (double p : ShiftFigure.SHIFTED) {
            for (double bp : new double[]{-1, 0.2}) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("dataset.p", p);
                values.put("dataset.bp-p", bp);
                arms.add(new ArmOutcome("a" + arms.size(), values, Path.of("a"), Map.of(ShiftFigure.RISK, model,
                        ShiftFigure.BAYES, bp < 0 ? 1.0 : 1.1), null));
            }
        }
        Results r = new Results();
        r.put("train", new RunOutcome(Path.of("t"), List.of()));
        r.put("shift", new RunOutcome(Path.of("s"), arms));
        return r;
    }

    @Test
    void aModelNearTheMisspecifiedOracleHoldsNearTheTruthFailsFarFromBothIsInconclusive() {
        ClipFig8 fig = new ClipFig8();
        assertThat(fig.judge(shift(1.09), Path.of(".")).get(0).verdict()).isEqualTo(Outcome.HOLDS);
        assertThat(fig.judge(shift(1.01), Path.of(".")).get(0).verdict()).isEqualTo(Outcome.FAILS);
        Verdict far = fig.judge(shift(1.5), Path.of(".")).get(0);
        assertThat(far.verdict()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(far.measured()).contains("undecided");
    }
}
