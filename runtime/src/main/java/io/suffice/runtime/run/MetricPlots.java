package io.suffice.runtime.run;

import io.suffice.api.oracle.Estimate;
import io.suffice.api.io.AtomicFiles;

import io.suffice.runtime.config.SweepAxis;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG figures of metrics, drawn with JFreeChart: for a run, each {@code metrics.csv} column against step; for a sweep,
 * the same with one curve per arm overlaid, plus each summary figure against the first swept key when it is numeric
 * ({@code summary-<figure>.png}, one curve per combination of the other swept keys), and each summary figure that has
 * reference figures (see {@link #references}) drawn with them in one chart ({@code compare-<figure>.png}).
 * An axis is logarithmic when its values are positive and span more than two decades (risk against steps, say), as
 * in the papers' figures.
 */
public final class MetricPlots {
    private static final Logger LOG = LoggerFactory.getLogger(MetricPlots.class);
    private static final int MAX_POINTS = 2000;
    /** Matplotlib's "tab10": distinguishable on white, unlike JFreeChart's default yellow. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
            new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    /**
     * Line styles that, crossed with the ten colours, keep up to 40 curves of one chart apart: the first ten curves
     * are solid, the next ten dashed, then dotted, then dash-dotted.
     */
    private static final BasicStroke[] STYLES = {new BasicStroke(1.5f),
            dashed(new float[]{7f, 4f}, 1.5f), dashed(new float[]{2f, 3f}, 1.5f),
            dashed(new float[]{9f, 3f, 2f, 3f}, 1.5f)};
    /** Summary figures whose value -1 means "never" (a step count that was not reached within the budget). */
    static final String NEVER_PREFIX = "steps_to";
    /** The label of the markers drawn for "never" at the top of a summary chart. */
    static final String NEVER_LABEL = "never reached (drawn at the top)";
    /** Metrics whose chart's value axis covers the bulk of the points rather than early spikes. */
    static final String MARGIN_WORD = "margin";
    /** The share of points (lowest values) a margin chart's axis may leave out: early-phase spikes. */
    static final double SPIKE_SHARE = 0.05;

    /** Words that mark a summary figure as a reference value (an oracle's, or one without conditioning). */
    static final List<String> REFERENCE_WORDS = List.of("bayes", "no_cond");

    /** Line styles of the groups of a {@link #comparison}: solid, dashed, dotted, dash-dotted. */
    private static final BasicStroke[] DASHES = {new BasicStroke(2f),
            dashed(new float[]{8f, 5f}), dashed(new float[]{2f, 4f}), dashed(new float[]{10f, 4f, 2f, 4f})};

    private MetricPlots() {
    }

    /** Writes {@code plot-<metric>.png} into {@code dir} for each column of {@code metricsCsv} (if it exists). */
    public static void forRun(Path metricsCsv, Path dir) {
        Map<String, double[][]> columns = read(metricsCsv);
        columns.forEach((name, xy) -> {
            XYSeriesCollection data = new XYSeriesCollection();
            data.addSeries(series(name, xy));
            save(focusIfMargin(chart(name + " against step", "step", name, data), name, data),
                    dir.resolve("plot-" + safe(name) + ".png"));
        });
    }

    /**
     * One chart of several curves into {@code file}: each curve {x[], y[]} thinned like the run plots (points with
     * {@code x <= 0} or non-finite values left out), the axes logarithmic where the values are positive and span
     * more than two decades, colours and line styles from {@link #color}/{@link #style}, and, when {@code yLabel}
     * names a margin, the value axis on the bulk of the points (see {@link #focusIfMargin}).
     */
    public static void overlay(Path file, String title, String xLabel, String yLabel,
                               Map<String, double[][]> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        curves.forEach((label, xy) -> data.addSeries(series(label, xy)));
        save(focusIfMargin(chart(title, xLabel, yLabel, data), yLabel, data), file);
    }

    /** Overlay plots of every arm, and summary figures against the first swept key. */
    public static void forSweep(RunOutcome outcome, List<SweepAxis> axes) {
        Map<String, XYSeriesCollection> overlays = new LinkedHashMap<>();
        for (ArmOutcome arm : outcome.arms()) {
            String label = arm.values().toString().replaceAll("[{}]", "");
            read(arm.folder().resolve("metrics.csv")).forEach((name, xy) ->
                    overlays.computeIfAbsent(name, k -> new XYSeriesCollection()).addSeries(series(label, xy)));
        }
        overlays.forEach((name, data) -> save(focusIfMargin(chart(name + " against step", "step", name, data), name,
                data), outcome.folder().resolve("plot-" + safe(name) + ".png")));
        if (axes.isEmpty()) {
            return;
        }
        String key = axes.get(0).key();
        Map<String, Map<String, List<double[]>>> byGroup = summaryPoints(outcome, axes);
        if (byGroup.isEmpty()) {
            return;
        }
        Map<String, List<double[]>> never = neverPoints(outcome, axes);
        byGroup.forEach((f, groups) -> save(summaryChart(f, key, groups, never.getOrDefault(f, List.of())),
                outcome.folder().resolve("summary-" + safe(f) + ".png")));
        never.forEach((f, points) -> {
            if (!byGroup.containsKey(f)) { // every arm "never": a chart of markers only, so the absence is visible
                save(summaryChart(f, key, Map.of(), points), outcome.folder().resolve("summary-" + safe(f) + ".png"));
            }
        });
        references(byGroup.keySet()).forEach((f, refs) -> {
            List<String> family = new ArrayList<>(List.of(f));
            family.addAll(refs);
            save(comparison(family, byGroup, key), outcome.folder().resolve("compare-" + safe(f) + ".png"));
        });
    }

    /**
     * Summary figures against the first swept key, split by the values of the other swept keys: figure -> group
     * label ({@code "k2=v2, k3=v3"}, empty for a one-key sweep) -> {x, value} points. Empty when the first key is not
     * numeric in every arm; non-finite values and failed arms are left out, and so is the Monte Carlo standard error
     * {@code <figure>_se} of a figure the summary has (it stays in {@code sweep.csv}; a chart of it alone says
     * nothing).
     */
    static Map<String, Map<String, List<double[]>>> summaryPoints(RunOutcome outcome, List<SweepAxis> axes) {
        String key = axes.get(0).key();
        Map<String, Map<String, List<double[]>>> out = new LinkedHashMap<>();
        for (ArmOutcome arm : outcome.arms()) {
            if (!(arm.values().get(key) instanceof Number x)) {
                return Map.of();
            }
            List<String> rest = new ArrayList<>();
            for (SweepAxis a : axes.subList(1, axes.size())) {
                rest.add(a.key() + "=" + arm.values().get(a.key()));
            }
            String group = String.join(", ", rest);
            arm.summary().forEach((f, v) -> {
                if (Double.isFinite(v) && !isNever(f, v) && !isErrorOfAFigure(f, arm.summary())) {
                    out.computeIfAbsent(f, k -> new LinkedHashMap<>())
                            .computeIfAbsent(group, k -> new ArrayList<>()).add(new double[]{x.doubleValue(), v});
                }
            });
        }
        return out;
    }

    /** Whether summary figure {@code f} with value {@code v} means "never reached" (-1 of a {@code steps_to*}). */
    static boolean isNever(String f, double v) {
        return f.startsWith(NEVER_PREFIX) && v == -1;
    }

    /** The x values (first swept key) of the arms whose figure means "never", per figure. */
    static Map<String, List<double[]>> neverPoints(RunOutcome outcome, List<SweepAxis> axes) {
        String key = axes.get(0).key();
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        for (ArmOutcome arm : outcome.arms()) {
            if (!(arm.values().get(key) instanceof Number x)) {
                return Map.of();
            }
            arm.summary().forEach((f, v) -> {
                if (isNever(f, v)) {
                    out.computeIfAbsent(f, k -> new ArrayList<>()).add(new double[]{x.doubleValue(), 0});
                }
            });
        }
        return out;
    }

    /**
     * A summary figure against the first swept key, one curve per group, and the arms where it means "never" as
     * triangle markers above the highest value (labelled {@value #NEVER_LABEL}), never as a number near 0.
     */
    static JFreeChart summaryChart(String f, String key, Map<String, List<double[]>> groups, List<double[]> never) {
        XYSeriesCollection data = new XYSeriesCollection();
        groups.forEach((group, points) -> data.addSeries(points(group.isEmpty() ? f : group, points)));
        JFreeChart chart = chart(f + " against " + key, key, f, data);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        r.setDefaultShapesVisible(true);
        if (never.isEmpty()) {
            return chart;
        }
        double top = Double.NEGATIVE_INFINITY;
        double bottom = Double.POSITIVE_INFINITY;
        for (List<double[]> points : groups.values()) {
            for (double[] p : points) {
                top = Math.max(top, p[1]);
                bottom = Math.min(bottom, p[1]);
            }
        }
        XYPlot plot = chart.getXYPlot();
        boolean log = plot.getRangeAxis() instanceof LogAxis;
        double at = groups.isEmpty() ? 1 : log ? top * 3 : top + 0.15 * Math.max(top - bottom, Math.abs(top));
        XYSeriesCollection marks = new XYSeriesCollection();
        XYSeries s = new XYSeries(NEVER_LABEL, true, true);
        never.forEach(p -> s.add(p[0], at));
        marks.addSeries(s);
        // the swept axis spans the markers too (logarithmic when the stepsizes with and without "never" span decades)
        XYSeriesCollection both = new XYSeriesCollection();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            both.addSeries(data.getSeries(i));
        }
        both.addSeries(s);
        plot.setDomainAxis(axis(key, both, true));
        XYLineAndShapeRenderer markers = new XYLineAndShapeRenderer(false, true);
        markers.setSeriesPaint(0, Color.BLACK);
        markers.setSeriesShape(0, new java.awt.Polygon(new int[]{0, 6, -6}, new int[]{-7, 5, 5}, 3));
        plot.setDataset(1, marks);
        plot.setRenderer(1, markers);
        if (!groups.isEmpty()) {
            ValueAxis axis = plot.getRangeAxis();
            axis.setAutoRange(false);
            double low = log ? Math.max(Double.MIN_NORMAL, bottom / 2) : bottom - 0.1 * Math.max(top - bottom, 1e-12);
            axis.setRange(low, log ? at * 2 : at + 0.1 * Math.max(top - bottom, Math.abs(top)));
        }
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("triangles: arms that never reached it within the "
                + "budget (not a value)"));
        return chart;
    }

    /**
     * For a metric named like a margin: a value axis over the points without the lowest {@value #SPIKE_SHARE} of
     * them (the early spikes of an oscillating phase), so that the slow rise of the stable phase is visible; a
     * subtitle says so when points are left out.
     */
    static JFreeChart focusIfMargin(JFreeChart chart, String name, XYSeriesCollection data) {
        if (!name.contains(MARGIN_WORD)) {
            return chart;
        }
        List<Double> values = new ArrayList<>();
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                values.add(data.getYValue(s, i));
            }
        }
        if (values.size() < 20) {
            return chart;
        }
        values.sort(null);
        double low = values.get((int) Math.floor(SPIKE_SHARE * values.size()));
        double min = values.get(0);
        double max = values.get(values.size() - 1);
        if (!(low > min) || !(max > low)) {
            return chart;
        }
        double pad = 0.08 * (max - low);
        ValueAxis axis = chart.getXYPlot().getRangeAxis();
        if (axis instanceof LogAxis) {
            return chart;
        }
        axis.setAutoRange(false);
        axis.setRange(low - pad, max + pad);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(String.format(java.util.Locale.ROOT,
                "axis on the bulk of the points: values below %.3g (early spikes, minimum %.3g) are off the chart",
                low - pad, min)));
        return chart;
    }

    private static boolean isErrorOfAFigure(String f, Map<String, Double> summary) {
        return f.endsWith(Estimate.SE_SUFFIX)
                && summary.containsKey(f.substring(0, f.length() - Estimate.SE_SUFFIX.length()));
    }

    /**
     * The reference figures of each summary figure that has some, by this project's naming convention: a figure
     * with the words {@link #REFERENCE_WORDS} ({@code bayes}, {@code no_cond}) added is a reference value of the same
     * quantity, e.g. {@code eval_bayes_mse} and {@code eval_bayes_mse_no_cond} of {@code eval_mse} (but not
     * {@code eval_excess_mse}). In the order of {@code figures}.
     */
    static Map<String, List<String>> references(java.util.Collection<String> figures) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String f : figures) {
            if (!stripReferenceWords(f).equals(f)) {
                continue;
            }
            List<String> refs = figures.stream().filter(g -> !g.equals(f) && stripReferenceWords(g).equals(f))
                    .toList();
            if (!refs.isEmpty()) {
                out.put(f, refs);
            }
        }
        return out;
    }

    private static String stripReferenceWords(String figure) {
        String s = "_" + figure + "_";
        for (String w : REFERENCE_WORDS) {
            s = s.replace("_" + w + "_", "_");
        }
        return s.length() <= 2 ? "" : s.substring(1, s.length() - 1);
    }

    /**
     * A figure and its references against the first swept key in one chart: one colour per figure, one line style
     * per group of the other swept keys (solid, dashed, dotted, ...), so a two-key sweep such as
     * {@code dataset.p x dataset.bp-p} reads as "model, oracle and no-conditioning value against p, per oracle". A
     * figure with the same points in every group (the model's, when only the oracle changes) is drawn once, solid,
     * labelled {@code "<figure> (every <other keys>)"}.
     */
    static JFreeChart comparison(List<String> family, Map<String, Map<String, List<double[]>>> byGroup,
                                 String key) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> colors = new ArrayList<>();
        List<BasicStroke> strokes = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        family.forEach(f -> byGroup.get(f).keySet().forEach(g -> {
            if (!groups.contains(g)) {
                groups.add(g);
            }
        }));
        for (int i = 0; i < family.size(); i++) {
            String f = family.get(i);
            Map<String, List<double[]>> mine = byGroup.get(f);
            if (mine.size() > 1 && sameInEveryGroup(mine)) {
                // e.g. a model's figure in a sweep over which oracle judges it: one curve, not several on top
                data.addSeries(points(f + " (every " + otherKeys(mine.keySet().iterator().next()) + ")",
                        mine.values().iterator().next()));
                colors.add(PALETTE[i % PALETTE.length]);
                strokes.add(DASHES[0]);
                continue;
            }
            for (var e : mine.entrySet()) {
                data.addSeries(points(e.getKey().isEmpty() ? f : f + " (" + e.getKey() + ")", e.getValue()));
                colors.add(PALETTE[i % PALETTE.length]);
                strokes.add(DASHES[groups.indexOf(e.getKey()) % DASHES.length]);
            }
        }
        JFreeChart chart = chart(String.join(", ", family) + " against " + key, key, family.get(0), data);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        r.setDefaultShapesVisible(true);
        for (int i = 0; i < colors.size(); i++) {
            r.setSeriesPaint(i, colors.get(i));
            r.setSeriesStroke(i, strokes.get(i));
        }
        return chart;
    }

    /** Whether every group holds the same points (same x and value, in order). */
    private static boolean sameInEveryGroup(Map<String, List<double[]>> groups) {
        List<double[]> first = groups.values().iterator().next();
        for (List<double[]> g : groups.values()) {
            if (g.size() != first.size()) {
                return false;
            }
            for (int i = 0; i < g.size(); i++) {
                if (!java.util.Arrays.equals(g.get(i), first.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The keys of a group label {@code "k2=v2, k3=v3"}: {@code "k2, k3"}. */
    private static String otherKeys(String group) {
        List<String> keys = new ArrayList<>();
        for (String part : group.split(", ")) {
            keys.add(part.contains("=") ? part.substring(0, part.indexOf('=')) : part);
        }
        return String.join(", ", keys);
    }

    private static BasicStroke dashed(float[] pattern) {
        return dashed(pattern, 2f);
    }

    private static BasicStroke dashed(float[] pattern, float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, pattern, 0f);
    }

    /** The colour of curve {@code i} of a chart: the ten colours in turn. */
    public static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** The line style of curve {@code i}: solid for the first ten curves, then dashed, dotted, dash-dotted. */
    public static BasicStroke style(int i) {
        return STYLES[(i / PALETTE.length) % STYLES.length];
    }

    private static XYSeries points(String label, List<double[]> points) {
        XYSeries s = new XYSeries(label, true, true);
        points.forEach(p -> s.add(p[0], p[1]));
        return s;
    }

    /**
     * The points of one curve, thinned to about {@link #MAX_POINTS}: the first half of the budget keeps every early
     * point (where large-stepsize runs oscillate, and where a log step axis spends most of its width), the rest
     * are spread evenly.
     */
    private static XYSeries series(String label, double[][] xy) {
        XYSeries s = new XYSeries(label, false, true);
        int n = xy[0].length;
        int dense = MAX_POINTS / 2;
        int stride = Math.max(1, (n - dense) / (MAX_POINTS - dense));
        for (int i = 0; i < n; i++) {
            // Step 0 is dropped so that the step axis can be logarithmic.
            boolean kept = i < dense || (i - dense) % stride == 0 || i == n - 1;
            if (kept && Double.isFinite(xy[1][i]) && xy[0][i] > 0) {
                s.add(xy[0][i], xy[1][i]);
            }
        }
        return s;
    }

    static JFreeChart chart(String title, String xLabel, String yLabel, XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                data.getSeriesCount() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, style(i));
            renderer.setSeriesPaint(i, color(i));
        }
        plot.setRenderer(renderer);
        plot.setDomainAxis(axis(xLabel, data, true));
        plot.setRangeAxis(axis(yLabel, data, false));
        return chart;
    }

    private static ValueAxis axis(String label, XYSeriesCollection data, boolean domain) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                double v = domain ? data.getXValue(s, i) : data.getYValue(s, i);
                if (v <= 0) {
                    NumberAxis linear = new NumberAxis(label);
                    linear.setAutoRangeIncludesZero(false);
                    return linear;
                }
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > 0 && max / min > 100) {
            LogAxis log = new LogAxis(label);
            log.setSmallestValue(min);
            log.setTickUnit(new NumberTickUnit(max / min > 1e6 ? 2 : 1));
            log.setMinorTickMarksVisible(true);
            return log;
        }
        NumberAxis linear = new NumberAxis(label);
        linear.setAutoRangeIncludesZero(false);
        return linear;
    }

    /** Columns of a metrics CSV as {step[], value[]} pairs; empty when the file is absent. */
    public static Map<String, double[][]> read(Path csv) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(csv)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(csv);
            if (lines.size() < 2) {
                return out;
            }
            String[] header = lines.get(0).split(",");
            int n = lines.size() - 1;
            double[][] values = new double[header.length][n];
            for (int r = 0; r < n; r++) {
                String[] cells = lines.get(r + 1).split(",", -1);
                for (int c = 0; c < header.length; c++) {
                    values[c][r] = c < cells.length && !cells[c].isEmpty() ? Double.parseDouble(cells[c]) : Double.NaN;
                }
            }
            for (int c = 1; c < header.length; c++) {
                out.put(header[c], new double[][]{values[0], values[c]});
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        } catch (NumberFormatException e) {
            LOG.warn("{} has a non-numeric cell ({}); no plots drawn from it", csv, e.getMessage());
            return Map.of();
        }
    }

    static void save(JFreeChart chart, Path file) {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 560));
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
