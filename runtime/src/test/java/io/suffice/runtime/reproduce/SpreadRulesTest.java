package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpreadRulesTest {

    @Test
    void everySeedHoldsOnlyWhenAllHoldAndFailsFromHalf() {
        assertThat(SpreadRules.everySeed(List.of(true, true, true))).isEqualTo(Outcome.HOLDS);
        assertThat(SpreadRules.everySeed(List.of(true, true, false))).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(SpreadRules.everySeed(List.of(true, false))).isEqualTo(Outcome.FAILS);
        assertThat(SpreadRules.everySeed(List.of(false, false, true))).isEqualTo(Outcome.FAILS);
        assertThat(SpreadRules.everySeed(List.of())).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void gapNeedsTwoStandardErrorsOfTheSeedSpreadAndTheMonteCarloError() {
        // gaps 0.10, 0.12, 0.08: mean 0.10, sd 0.02, SE 0.02/sqrt 3 = 0.0115
        double[] a = {0.30, 0.32, 0.28};
        double[] b = {0.20, 0.20, 0.20};
        SpreadRules.Gap g = SpreadRules.gapOf(a, b, 0);
        assertThat(g.mean()).isCloseTo(0.10, within(1e-12));
        assertThat(g.se()).isCloseTo(0.02 / Math.sqrt(3), within(1e-12));
        assertThat(SpreadRules.gap(a, b, 0)).isEqualTo(Outcome.HOLDS);
        assertThat(SpreadRules.gap(b, a, 0)).isEqualTo(Outcome.FAILS);
        // a Monte Carlo error of 0.1 per seed gap: SE sqrt(0.0115^2 + 0.1^2/3) = 0.059, 2 SE > 0.10
        assertThat(SpreadRules.gap(a, b, 0.1)).isEqualTo(Outcome.INCONCLUSIVE);
        // noisy seeds: gaps +0.3, -0.2, +0.1: mean 0.067, SE 0.145
        assertThat(SpreadRules.gap(new double[]{0.5, 0.0, 0.3}, new double[]{0.2, 0.2, 0.2}, 0))
                .isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(SpreadRules.gap(new double[0], new double[0], 0)).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(g.text()).isEqualTo("0.1000 +- 0.012 (3 seeds)");
    }

    @Test
    void withinToleranceCountsTheSpreadOnBothSides() {
        double[] none = new double[3];
        assertThat(ClipClaims.within(new double[]{0.01, 0.02, 0.015}, none, 0.05)).isEqualTo(Outcome.HOLDS);
        assertThat(ClipClaims.within(new double[]{0.2, 0.21, 0.19}, none, 0.05)).isEqualTo(Outcome.FAILS);
        assertThat(ClipClaims.within(new double[]{0.0, 0.1, 0.05}, none, 0.05)).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void withinToleranceCountsTheMonteCarloErrorToo() {
        // one seed, 0.03 from 0: holds exactly, inconclusive with a Monte Carlo SE of 0.02 (0.03 + 0.04 > 0.05)
        assertThat(ClipClaims.within(new double[]{0.03}, new double[]{0}, 0.05)).isEqualTo(Outcome.HOLDS);
        assertThat(ClipClaims.within(new double[]{0.03}, new double[]{0.02}, 0.05)).isEqualTo(Outcome.INCONCLUSIVE);
        // 0.12 with SE 0.02: 0.12 - 0.04 > 0.05 fails; with SE 0.04 it cannot say
        assertThat(ClipClaims.within(new double[]{0.12}, new double[]{0.02}, 0.05)).isEqualTo(Outcome.FAILS);
        assertThat(ClipClaims.within(new double[]{0.12}, new double[]{0.04}, 0.05)).isEqualTo(Outcome.INCONCLUSIVE);
        // two seeds: the per-seed SEs enter as their root mean square, divided by sqrt(2) like the spread, so 0.02
        // with SE 0.02 is inconclusive from one seed (0.02 + 0.04) and holds from two (0.02 + 0.028)
        assertThat(ClipClaims.within(new double[]{0.02}, new double[]{0.02}, 0.05)).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(ClipClaims.within(new double[]{0.02, 0.02}, new double[]{0.02, 0.02}, 0.05))
                .isEqualTo(Outcome.HOLDS);
        // a missing SE (NaN: an older run without *_se columns) never yields a verdict either way
        assertThat(ClipClaims.within(new double[]{0.01}, new double[]{Double.NaN}, 0.05))
                .isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void everyCaseHoldsWhenAllHoldAndFailsFromHalf() {
        assertThat(SpreadRules.everyCase(List.of(Outcome.HOLDS, Outcome.HOLDS))).isEqualTo(Outcome.HOLDS);
        assertThat(SpreadRules.everyCase(List.of(Outcome.HOLDS, Outcome.INCONCLUSIVE, Outcome.HOLDS)))
                .isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(SpreadRules.everyCase(List.of(Outcome.HOLDS, Outcome.FAILS, Outcome.HOLDS)))
                .isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(SpreadRules.everyCase(List.of(Outcome.FAILS, Outcome.INCONCLUSIVE))).isEqualTo(Outcome.FAILS);
        assertThat(SpreadRules.everyCase(List.of())).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void verdictRowsAreQuotedCsv() {
        Verdict v = new Verdict("ls-fig2/xor", "a claim, with a comma", "say \"x\"", "y", Outcome.HOLDS, "d");
        assertThat(v.csvRow()).isEqualTo("ls-fig2/xor,\"a claim, with a comma\",\"say \"\"x\"\"\",y,holds,d");
    }
}
