package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code suffice onnx inspect} warns and exits 1 for a missing external data file and for a model without outputs. */
class ModelFileWarningsTest {
    @TempDir
    Path dir;

    OnnxMl.ModelProto mlp() {
        return OnnxModelInspector.parse(Fixtures.file("tiny-mlp.onnx"));
    }

    @Test
    void aMissingExternalDataFileIsAWarningAndExit1() throws Exception {
        OnnxMl.ModelProto.Builder b = mlp().toBuilder();
        OnnxMl.TensorProto w = b.getGraph().getInitializer(0);
        long bytes = w.getRawData().size();
        b.getGraphBuilder().setInitializer(0, w.toBuilder().clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length")
                        .setValue(Long.toString(bytes))));
        Path model = dir.resolve("external.onnx");
        Files.write(model, b.build().toByteArray());
        var r = OnnxInspectCommandTest.run(dir.resolve("no-plugins"), "onnx", "inspect", model.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("warning: external data file 'weights.bin' is missing beside the model",
                "1 tensor, e.g. initializer '" + w.getName() + "'");

        Files.write(dir.resolve("weights.bin"), w.getRawData().toByteArray());   // present: no warning
        var ok = OnnxInspectCommandTest.run(dir.resolve("no-plugins"), "onnx", "inspect", model.toString());
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.err()).doesNotContain("warning");
    }

    @Test
    void aModelWithoutOutputsIsAWarningAndExit1() throws Exception {
        OnnxMl.ModelProto.Builder b = mlp().toBuilder();
        b.getGraphBuilder().clearOutput();
        Path model = dir.resolve("no-outputs.onnx");
        Files.write(model, b.build().toByteArray());
        var r = OnnxInspectCommandTest.run(dir.resolve("no-plugins"), "onnx", "inspect", model.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("warning: the model declares no outputs");
        assertThat(ModelFileWarnings.of(Fixtures.file("tiny-mlp.onnx"), mlp())).isEmpty();
    }
}
