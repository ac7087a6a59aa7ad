package io.suffice.runtime.run;

import io.suffice.api.task.Figures;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.nio.file.Path;
import java.util.Map;

/** {@link Figures} drawn with the run plots' JFreeChart style into PNG files of one folder. */
final class PngFigures implements Figures {
    private final Path directory;

    PngFigures(Path directory) {
        this.directory = directory;
    }

    @Override
    public void lineChart(String name, String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("figure name '" + name + "' must use only letters, digits, '.', '_', '-'");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((label, xy) -> {
            if (xy.length != 2 || xy[0].length != xy[1].length) {
                throw new IllegalArgumentException("figure " + name + ", curve '" + label + "': needs {x[], y[]} of "
                        + "equal length");
            }
            XYSeries s = new XYSeries(label, false, true);
            for (int i = 0; i < xy[0].length; i++) {
                if (Double.isFinite(xy[0][i]) && Double.isFinite(xy[1][i])) {
                    s.add(xy[0][i], xy[1][i]);
                }
            }
            data.addSeries(s);
        });
        JFreeChart chart = MetricPlots.chart(title, xLabel, yLabel, data);
        ((XYLineAndShapeRenderer) chart.getXYPlot().getRenderer()).setDefaultShapesVisible(true);
        MetricPlots.save(chart, directory.resolve(name + ".png"));
    }
}
