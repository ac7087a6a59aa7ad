package io.suffice.encoders.onnx;

import io.suffice.runtime.cli.SufficeCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code suffice onnx inspect}, contributed by this plugin, run through the real CLI. */
class OnnxInspectCommandTest {

    record Result(int status, String out, String err) {
    }

    static Result run(Path pluginsDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--plugins-dir";
        all[1] = pluginsDir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int status = SufficeCli.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void describesInputsOutputsOpsetsAndImportability(@TempDir Path dir) throws Exception {
        Result r = run(dir, "onnx", "inspect", Fixtures.file("tiny-text-tower.onnx").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("input_ids: INT64[batch, 6]", "attention_mask: INT64[batch, 6]",
                "text_embeds: FLOAT[batch, 8]", "opsets {ai.onnx=17}", "producer pytorch",
                "trainable import: ok (");
        Result image = run(dir, "onnx", "inspect", Fixtures.file("tiny-image-tower.onnx").toString());
        assertThat(image.out()).contains("pixel_values: FLOAT[batch, 3, 8, 8]", "trainable import: ok (");
        var m = OnnxModelInspector.parse(Fixtures.file("tiny-mlp.onnx"));
        var gb = m.getGraph().toBuilder();
        gb.setNode(gb.getNodeCount() - 2, gb.getNode(gb.getNodeCount() - 2).toBuilder().setOpType("Selu"));
        Path selu = java.nio.file.Files.write(dir.resolve("selu.onnx"), m.toBuilder().setGraph(gb).build()
                .toByteArray());
        assertThat(run(dir, "onnx", "inspect", selu.toString()).out())
                .contains("trainable import: refused: Selu [no import rule] (1 node: ");
        Result mlp = run(dir, "onnx", "inspect", Fixtures.file("tiny-mlp.onnx").toString());
        assertThat(mlp.out()).contains("x: FLOAT[batch, 4]", "trainable import: ok (");
    }

    @Test
    void badFileFailsWithStatusOneAndTheReason(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("bad.onnx"), "{\"not\": \"onnx\"}");
        Result r = run(dir, "onnx", "inspect", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad.onnx is not an ONNX model file (it looks like a text file)");
    }
}
