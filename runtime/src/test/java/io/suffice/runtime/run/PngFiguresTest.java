package io.suffice.runtime.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PngFiguresTest {
    @TempDir
    Path dir;

    @Test
    void drawsAReadablePngWithEveryCurve() throws Exception {
        Map<String, double[][]> curves = new LinkedHashMap<>();
        curves.put("model", new double[][]{{1, 10, 250}, {3.0, 2.2, Double.NaN}});
        curves.put("Bayes", new double[][]{{1, 10, 250}, {1.9, 1.9, 1.9}});
        new PngFigures(dir).lineChart("zero-shot", "t", "M", "CE", curves);
        BufferedImage img = ImageIO.read(dir.resolve("zero-shot.png").toFile());
        assertThat(img.getWidth()).isGreaterThan(100);
        assertThat(img.getHeight()).isGreaterThan(100);
    }

    @Test
    void rejectsAPathLikeNameAndRaggedCurves() {
        PngFigures f = new PngFigures(dir);
        assertThatThrownBy(() -> f.lineChart("../x", "t", "x", "y", Map.of()))
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> f.lineChart("ok", "t", "x", "y", Map.of("c", new double[][]{{1, 2}, {1}})))
                .hasMessageContaining("curve 'c'");
    }
}
