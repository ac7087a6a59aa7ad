package io.suffice.runtime.run;

import io.suffice.runtime.config.SweepAxis;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The summary figures of a two-key sweep (a shift-in-p sweep: dataset.p x dataset.bp-p) are drawn one curve per value
 * of the second key, and a figure with reference figures (Bayes, no conditioning) gets one chart with them.
 */
class MetricPlotsTest {
    @TempDir
    Path dir;

    private static final List<Object> PS = List.of(0.1, 0.2, 0.3);
    private static final List<Object> BPS = List.of(-1, 0.2);

    /** A dataset.p x dataset.bp-p sweep: the model's figure is the same in both bp-p arms, the oracle's is not. */
    private RunOutcome shiftSweep() {
        List<ArmOutcome> arms = new ArrayList<>();
        for (Object p : PS) {
            for (Object bp : BPS) {
                double x = ((Number) p).doubleValue();
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("dataset.p", p);
                values.put("dataset.bp-p", bp);
                Map<String, Double> summary = new LinkedHashMap<>();
                summary.put("train_mse_last100", 53.0);
                summary.put("eval_mse", 50 + 10 * x);
                summary.put("eval_bayes_mse", 30 + 10 * x + (bp.equals(-1) ? 0 : 5 * Math.abs(x - 0.2)));
                summary.put("eval_bayes_mse_se", 0.2);
                summary.put("eval_bayes_mse_no_cond", 31 + 10 * x + (bp.equals(-1) ? 0 : 0.3));
                summary.put("eval_excess_mse", 20.0);
                summary.put("clip_risk_last100", Double.NaN);
                arms.add(new ArmOutcome("arm-" + arms.size(), values, dir.resolve("arm-" + arms.size()), summary,
                        null));
            }
        }
        return new RunOutcome(dir, arms);
    }

    private static List<SweepAxis> axes() {
        return List.of(new SweepAxis("dataset.p", PS), new SweepAxis("dataset.bp-p", BPS));
    }

    @Test
    void referenceFiguresAreTheSameQuantityWithBayesOrNoCondAdded() {
        Map<String, List<String>> refs = MetricPlots.references(List.of("train_mse_last100", "eval_mse",
                "eval_bayes_mse", "eval_bayes_mse_no_cond", "eval_excess_mse", "eval_ce", "eval_first_token_ce",
                "eval_bayes_ce", "eval_bayes_ce_no_cond", "eval_bayes_first_token_ce",
                "eval_bayes_first_token_ce_no_cond", "eval_clip_risk", "eval_bayes_clip_risk", "bayes"));
        assertThat(refs).containsOnlyKeys("eval_mse", "eval_ce", "eval_first_token_ce", "eval_clip_risk");
        assertThat(refs.get("eval_mse")).containsExactly("eval_bayes_mse", "eval_bayes_mse_no_cond");
        assertThat(refs.get("eval_ce")).containsExactly("eval_bayes_ce", "eval_bayes_ce_no_cond");
        assertThat(refs.get("eval_first_token_ce"))
                .containsExactly("eval_bayes_first_token_ce", "eval_bayes_first_token_ce_no_cond");
        assertThat(refs.get("eval_clip_risk")).containsExactly("eval_bayes_clip_risk");
    }

    @Test
    void summaryPointsAreSplitByTheOtherSweptKeysAndSkipNonFiniteValues() {
        var points = MetricPlots.summaryPoints(shiftSweep(), axes());
        assertThat(points).doesNotContainKey("clip_risk_last100");
        // a figure's standard error is not a figure of its own
        assertThat(points).doesNotContainKey("eval_bayes_mse_se");
        assertThat(points.get("eval_bayes_mse")).containsOnlyKeys("dataset.bp-p=-1", "dataset.bp-p=0.2");
        assertThat(points.get("eval_bayes_mse").get("dataset.bp-p=0.2")).hasSize(3)
                .allSatisfy(xy -> assertThat(xy).hasSize(2));
        assertThat(points.get("eval_bayes_mse").get("dataset.bp-p=0.2").get(0)).containsExactly(0.1, 31.5);
        // one swept key: a single unnamed group
        var single = MetricPlots.summaryPoints(shiftSweep(), List.of(axes().get(0)));
        assertThat(single.get("eval_mse")).containsOnlyKeys("");
    }

    @Test
    void theComparisonChartColoursByFigureDashesByGroupAndDrawsAFigureEqualInEveryGroupOnce() {
        var points = MetricPlots.summaryPoints(shiftSweep(), axes());
        JFreeChart chart = MetricPlots.comparison(List.of("eval_mse", "eval_bayes_mse", "eval_bayes_mse_no_cond"),
                points, "dataset.p");
        XYSeriesCollection data = (XYSeriesCollection) chart.getXYPlot().getDataset();
        // the model's figure is the same in both bp-p arms: one curve; the two references: one curve per arm
        assertThat(data.getSeriesCount()).isEqualTo(5);
        assertThat(data.getSeriesKey(0)).isEqualTo("eval_mse (every dataset.bp-p)");
        assertThat(data.getSeriesKey(1)).isEqualTo("eval_bayes_mse (dataset.bp-p=-1)");
        assertThat(data.getSeriesKey(2)).isEqualTo("eval_bayes_mse (dataset.bp-p=0.2)");
        assertThat(data.getItemCount(2)).isEqualTo(3);
        assertThat(data.getXValue(2, 0)).isEqualTo(0.1);
        assertThat(data.getYValue(2, 0)).isEqualTo(31.5);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        assertThat(r.getSeriesPaint(1)).isEqualTo(r.getSeriesPaint(2)).isNotEqualTo(r.getSeriesPaint(0));
        assertThat(r.getSeriesPaint(3)).isEqualTo(r.getSeriesPaint(4)).isNotEqualTo(r.getSeriesPaint(1));
        assertThat(r.getSeriesStroke(1)).isNotEqualTo(r.getSeriesStroke(2)).isEqualTo(r.getSeriesStroke(0));
        assertThat(r.getSeriesStroke(3)).isEqualTo(r.getSeriesStroke(1));
        assertThat(r.getSeriesStroke(4)).isEqualTo(r.getSeriesStroke(2));
        assertThat(chart.getLegend()).isNotNull();
    }

    @Test
    void aShiftSweepWritesSplitSummaryPlotsAndOneComparisonChartPerFigureWithReferences() {
        MetricPlots.forSweep(shiftSweep(), axes());
        assertThat(dir.resolve("summary-eval_mse.png")).isNotEmptyFile();
        assertThat(dir.resolve("summary-eval_bayes_mse.png")).isNotEmptyFile();
        assertThat(dir.resolve("compare-eval_mse.png")).isNotEmptyFile();
        assertThat(dir.resolve("compare-eval_excess_mse.png")).doesNotExist();
        assertThat(dir.resolve("compare-eval_bayes_mse.png")).doesNotExist();
        assertThat(dir.resolve("summary-clip_risk_last100.png")).doesNotExist();
        assertThat(dir.resolve("summary-eval_bayes_mse_se.png")).doesNotExist();
    }

    @Test
    void neverReachedIsAMarkerAboveEveryValueNotANumberNearZero() {
        Map<String, List<double[]>> groups = Map.of("", List.of(new double[]{1e4, 1095}, new double[]{1e5, 17}));
        List<double[]> never = List.of(new double[]{100, 0}, new double[]{1000, 0});
        JFreeChart chart = MetricPlots.summaryChart("steps_to_target", "optimizer.stepsize", groups, never);
        XYSeriesCollection marks = (XYSeriesCollection) chart.getXYPlot().getDataset(1);
        assertThat(marks.getSeries(0).getKey()).isEqualTo(MetricPlots.NEVER_LABEL);
        assertThat(marks.getItemCount(0)).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            assertThat(marks.getYValue(0, i)).isGreaterThan(1095);
        }
        assertThat(chart.getXYPlot().getRangeAxis().getUpperBound()).isGreaterThan(marks.getYValue(0, 0));
        assertThat(chart.getXYPlot().getRangeAxis().getLowerBound()).isLessThan(17);
        // stepsizes 100 .. 1e5 with and without "never": a logarithmic swept axis that shows the markers' positions
        assertThat(chart.getXYPlot().getDomainAxis()).isInstanceOf(org.jfree.chart.axis.LogAxis.class);
        assertThat(MetricPlots.isNever("steps_to_target", -1)).isTrue();
        assertThat(MetricPlots.isNever("final_margin", -1)).isFalse();
    }

    @Test
    void aSweepDrawsNeverArmsAsMarkersAndLeavesThemOutOfTheCurve() {
        List<ArmOutcome> arms = new ArrayList<>();
        double[] etas = {100, 1000, 10000};
        double[] steps = {-1, 4387, 17};
        for (int i = 0; i < 3; i++) {
            arms.add(new ArmOutcome("a" + i, Map.of("optimizer.stepsize", etas[i]), dir.resolve("a" + i),
                    Map.of("steps_to_target", steps[i]), null));
        }
        RunOutcome outcome = new RunOutcome(dir, arms);
        List<SweepAxis> axes = List.of(new SweepAxis("optimizer.stepsize", List.of(100.0, 1000.0, 10000.0)));
        assertThat(MetricPlots.summaryPoints(outcome, axes).get("steps_to_target").get("")).hasSize(2);
        assertThat(MetricPlots.neverPoints(outcome, axes).get("steps_to_target")).hasSize(1);
        MetricPlots.forSweep(outcome, axes);
        assertThat(dir.resolve("summary-steps_to_target.png")).isRegularFile();
    }

    @Test
    void aMarginChartsAxisLeavesOutTheEarlySpikes() {
        XYSeriesCollection data = new XYSeriesCollection();
        org.jfree.data.xy.XYSeries s = new org.jfree.data.xy.XYSeries("m");
        for (int i = 1; i <= 200; i++) {
            s.add(i, i <= 5 ? -3.0 : 0.01 + 0.0001 * i);
        }
        data.addSeries(s);
        JFreeChart chart = MetricPlots.focusIfMargin(MetricPlots.chart("t", "step", "normalized_margin", data),
                "normalized_margin", data);
        assertThat(chart.getXYPlot().getRangeAxis().getLowerBound()).isGreaterThan(0);
        assertThat(chart.getXYPlot().getRangeAxis().getUpperBound()).isGreaterThan(0.03);
        JFreeChart risk = MetricPlots.focusIfMargin(MetricPlots.chart("t", "step", "risk", data), "risk", data);
        assertThat(risk.getXYPlot().getRangeAxis().getLowerBound()).isLessThan(-2.9);
    }

    @Test
    void curvesBeyondTheTenColoursChangeLineStyle() {
        assertThat(MetricPlots.color(11)).isEqualTo(MetricPlots.color(1));
        assertThat(MetricPlots.style(11)).isNotEqualTo(MetricPlots.style(1));
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            pairs.add(MetricPlots.color(i) + "/" + java.util.Arrays.toString(MetricPlots.style(i).getDashArray()));
        }
        assertThat(pairs).hasSize(40);
    }
}
