package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** inspect's verdict is the importer's outcome, on every ONNX fixture of the repository and on refused variants. */
class ImportVettingTest {

    /** Every .onnx file under the test resources, plus variants import must refuse. */
    private static List<Path> fixtures(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Fixtures.file("tiny-mlp.onnx").getParent())) {
            s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(all::add);
        }
        OnnxMl.ModelProto mlp = OnnxModelInspector.parse(Fixtures.file("tiny-mlp.onnx"));
        var gb = mlp.getGraph().toBuilder();
        gb.setNode(0, gb.getNode(0).toBuilder().setOpType("Selu"));
        gb.setNode(1, gb.getNode(1).toBuilder().setDomain("com.microsoft"));
        all.add(Files.write(dir.resolve("refused-ops.onnx"), mlp.toBuilder().setGraph(gb).build().toByteArray()));
        var pad = OnnxModelInspector.parse(Fixtures.file("tiny-image-tower.onnx")).toBuilder();
        var pg = pad.getGraph().toBuilder();
        for (int i = 0; i < pg.getNodeCount(); i++) {
            if (pg.getNode(i).getOpType().equals("Conv")) {
                pg.setNode(i, pg.getNode(i).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("group").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(2)));
            }
        }
        all.add(Files.write(dir.resolve("grouped-conv.onnx"), pad.setGraph(pg).build().toByteArray()));
        return all;
    }

    /** Import the way the encoder does: fixed small sizes for the symbolic dimensions. */
    private static boolean imports(OnnxMl.ModelProto m) {
        try {
            Graph g = new Graph(0);
            Map<String, Value> inputs = new LinkedHashMap<>();
            ImportVetting.feeds(m, new java.util.SplittableRandom(0)).forEach((name, t) ->
                    inputs.put(name, g.input(name, t.dtype(), t.shape())));
            OnnxImporter.importInto(g, m, inputs, "", true, ImportVetting.outputNames(m));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void inspectsVerdictEqualsImportsOutcomeOnEveryFixture(@TempDir Path dir) throws IOException {
        int ok = 0;
        List<String> refused = new ArrayList<>();
        for (Path f : fixtures(dir)) {
            OnnxMl.ModelProto m = OnnxModelInspector.parse(f);
            String out = OnnxInspectCommandTest.run(dir, "onnx", "inspect", f.toString()).out();
            boolean imports = imports(m);
            assertThat(out).as(f.getFileName().toString())
                    .contains(imports ? "trainable import: ok (" : "trainable import: refused: ");
            if (imports) {
                ok++;
                // and the imported graph computes what ONNX Runtime computes from the file, with finite gradients
                try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1))) {
                    String line = ImportVetting.tryImport(f, m, ex, Autodiff.standard(), 1);
                    assertThat(line).as(f.getFileName().toString()).startsWith("trainable import: ok (")
                            .containsPattern("backward: (\\d+) of \\1 parameter gradients finite");
                    double err = Double.parseDouble(line.replaceAll(".*forward matches the file to ([0-9.eE+-]+);.*",
                            "$1"));
                    assertThat(err).as(line).isLessThan(1e-5);
                }
            } else {
                refused.add(f.getFileName() + ": " + out.lines().filter(l -> l.startsWith("trainable"))
                        .findFirst().orElse(""));
                // every blocking operator is named, not just the first
                for (String p : OnnxImporter.problems(m)) {
                    assertThat(out).contains(p);
                }
            }
        }
        assertThat(ok).isGreaterThanOrEqualTo(16);
        assertThat(refused).as(String.join("\n", refused)).hasSize(2);
        String both = OnnxInspectCommandTest.run(dir, "onnx", "inspect", dir.resolve("refused-ops.onnx").toString())
                .out();
        assertThat(both).contains("Selu [no import rule]", "com.microsoft.");
        assertThat(OnnxInspectCommandTest.run(dir, "onnx", "inspect", dir.resolve("grouped-conv.onnx").toString())
                .out()).contains("Conv [only undilated, single-group convolutions import]");
    }

    @Test
    void opset11BertWithSymbolicBatchAndSequenceImportsAndMatchesTheFile(@TempDir Path dir) {
        Path f = Fixtures.file("tiny-bert-opset11.onnx");
        var r = OnnxInspectCommandTest.run(dir, "onnx", "inspect", f.toString(), "--try-import");
        assertThat(r.out()).as(r.err()).contains("trainable import: ok (");
        String line = r.out().lines().filter(l -> l.startsWith("trainable import")).findFirst().orElseThrow();
        double err = Double.parseDouble(line.replaceAll(".*forward matches the file to ([0-9.eE+-]+);.*", "$1"));
        assertThat(err).isLessThan(1e-5);
        assertThat(line).containsPattern("backward: (\\d+) of \\1 parameter gradients finite");
        // the shared LayerNorm tensors the exporter merged are reported, one line each
        assertThat(r.out()).containsPattern("shared tensor 'ln.weight' \\[16\\] has 5 uses");
    }
}
