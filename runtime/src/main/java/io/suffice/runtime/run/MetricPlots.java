package io.suffice.runtime.run;

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
 * the same with one curve per arm overlaid, plus each summary figure against the first swept key when it is numeric.
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

    private MetricPlots() {
    }

    /** Writes {@code plot-<metric>.png} into {@code dir} for each column of {@code metricsCsv} (if it exists). */
    public static void forRun(Path metricsCsv, Path dir) {
        Map<String, double[][]> columns = read(metricsCsv);
        columns.forEach((name, xy) -> {
            XYSeriesCollection data = new XYSeriesCollection();
            data.addSeries(series(name, xy));
            save(chart(name + " against step", "step", name, data), dir.resolve("plot-" + safe(name) + ".png"));
        });
    }

    /** Overlay plots of every arm, and summary figures against the first swept key. */
    public static void forSweep(RunOutcome outcome, List<SweepAxis> axes) {
        Map<String, XYSeriesCollection> overlays = new LinkedHashMap<>();
        for (ArmOutcome arm : outcome.arms()) {
            String label = arm.values().toString().replaceAll("[{}]", "");
            read(arm.folder().resolve("metrics.csv")).forEach((name, xy) ->
                    overlays.computeIfAbsent(name, k -> new XYSeriesCollection()).addSeries(series(label, xy)));
        }
        overlays.forEach((name, data) -> save(chart(name + " against step", "step", name, data),
                outcome.folder().resolve("plot-" + safe(name) + ".png")));
        if (axes.isEmpty()) {
            return;
        }
        String key = axes.get(0).key();
        Map<String, List<double[]>> figures = new LinkedHashMap<>();
        for (ArmOutcome arm : outcome.arms()) {
            if (!(arm.values().get(key) instanceof Number x)) {
                return;
            }
            arm.summary().forEach((f, v) -> {
                if (Double.isFinite(v)) {
                    figures.computeIfAbsent(f, k -> new ArrayList<>()).add(new double[]{x.doubleValue(), v});
                }
            });
        }
        figures.forEach((f, points) -> {
            XYSeries s = new XYSeries(f, true, true);
            points.forEach(p -> s.add(p[0], p[1]));
            XYSeriesCollection data = new XYSeriesCollection(s);
            JFreeChart chart = chart(f + " against " + key, key, f, data);
            ((XYLineAndShapeRenderer) chart.getXYPlot().getRenderer()).setDefaultShapesVisible(true);
            save(chart, outcome.folder().resolve("summary-" + safe(f) + ".png"));
        });
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
            renderer.setSeriesStroke(i, new BasicStroke(1.5f));
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
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
    static Map<String, double[][]> read(Path csv) {
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
