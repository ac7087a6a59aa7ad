package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.tensor.HostTensor;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each way an ONNX file or its configuration can be wrong fails with a message saying what and where. */
class OnnxFileErrorsTest {
    static final Path IMAGE = Fixtures.file("tiny-image-tower.onnx");

    @TempDir
    Path dir;

    static OnnxFileEncoder encoder(Path file) {
        return new OnnxFileEncoder(OnnxFileEncoderSettings.of(file));
    }

    static OnnxMl.ModelProto image() throws IOException {
        return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(IMAGE));
    }

    @Test
    void textFileIsNotAnOnnxModel() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.onnx"), "hello, I am not a model\n");
        assertThatThrownBy(() -> encoder(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notes.onnx is not an ONNX model file");
    }

    @Test
    void zipArchiveIsNotAnOnnxModelAndTheMessageSaysWhatItIs() throws IOException {
        Path f = Files.write(dir.resolve("model.pt"), new byte[]{'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
        assertThatThrownBy(() -> encoder(f)).hasMessageContaining("is not an ONNX model file")
                .hasMessageContaining("ZIP archive");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> encoder(f)).hasMessageContaining("empty.onnx is empty, not an ONNX model");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> encoder(dir.resolve("nope.onnx"))).hasMessageContaining("no ONNX model file at");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.9})
    void truncatedFile(double keep) throws IOException {
        byte[] all = Files.readAllBytes(IMAGE);
        Path f = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(all, (int) (all.length * keep)));
        assertThatThrownBy(() -> encoder(f)).hasMessageContaining("cut.onnx is a truncated ONNX model");
    }

    @ParameterizedTest
    @ValueSource(longs = {26, 30, 6})
    void unsupportedOpsetNamesTheOpsetAndTheRange(long opset) throws IOException {
        OnnxMl.ModelProto m = image().toBuilder().setOpsetImport(0,
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
        Path f = dir.resolve("new.onnx");
        Files.write(f, m.toByteArray());
        assertThatThrownBy(() -> encoder(f)).hasMessageContaining("uses ai.onnx opset " + opset)
                .hasMessageContaining("supported: opsets 7 to 25");
    }

    /** The documented range is what the bundled ONNX Runtime does: it loads opset 25 and refuses 26. */
    @Test
    void opsetRangeMatchesTheBundledOnnxRuntime() throws IOException {
        OnnxMl.ModelProto relu = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(OnnxMl.GraphProto.newBuilder()
                .setName("g").addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                .addInput(vi("x")).addOutput(vi("y"))).build();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1))) {
            for (long v : new long[]{OpsetSupport.MAX_OPSET, OpsetSupport.MAX_OPSET + 1}) {
                Path f = dir.resolve("relu" + v + ".onnx");
                Files.write(f, relu.toBuilder().addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder()
                        .setDomain("").setVersion(v)).build().toByteArray());
                if (v == OpsetSupport.MAX_OPSET) {
                    var out = ex.load(f).run(Map.of("x", HostTensor.of(new float[]{-1, 2}, 2))).get("y");
                    assertThat(out.toDoubleArray()).containsExactly(0, 2);
                } else {
                    assertThatThrownBy(() -> ex.load(f)).hasMessageContaining("opset");
                }
            }
        }
    }

    private static OnnxMl.ValueInfoProto vi(String name) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2))))).build();
    }

    /** A model whose first initializer keeps its data in an external file at {@code location}. */
    private Path withExternalData(Path folder, String location) throws IOException {
        OnnxMl.ModelProto m = image();
        OnnxMl.TensorProto t = m.getGraph().getInitializer(0);
        OnnxMl.TensorProto ext = t.toBuilder().clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length")
                        .setValue(Integer.toString(t.getRawData().size())))
                .build();
        Files.createDirectories(folder);
        Path f = folder.resolve("ext.onnx");
        Files.write(f, m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, ext)).build().toByteArray());
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret.bin", "/etc/passwd", "weights/../../secret.bin"})
    void externalDataOutsideTheModelFolderIsRefused(String location) throws IOException {
        Files.write(dir.resolve("secret.bin"), new byte[4096]);
        Path f = withExternalData(dir.resolve("model"), location);
        assertThatThrownBy(() -> encoder(f)).hasMessageContaining("keeps its data in external file '" + location + "'")
                .hasMessageContaining("outside the model's folder").hasMessageContaining("refusing to load");
    }

    @Test
    void externalDataThroughASymlinkOutsideIsRefused() throws IOException {
        Path secret = Files.write(dir.resolve("secret.bin"), new byte[4096]);
        Path f = withExternalData(dir.resolve("model"), "weights.bin");
        Files.createSymbolicLink(dir.resolve("model/weights.bin"), secret);
        assertThatThrownBy(() -> encoder(f)).hasMessageContaining("a link that leads outside the model's folder");
    }

    @Test
    void externalDataInsideTheFolderIsAccepted() throws IOException {
        Path f = withExternalData(dir.resolve("model"), "weights.bin");
        OnnxMl.ModelProto m = image();
        Files.write(dir.resolve("model/weights.bin"), m.getGraph().getInitializer(0).getRawData().toByteArray());
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(f).withInputs(Map.of("pixel_values", "x")));
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             FrozenOnnxEncoder fe = enc.open(ex)) {
            var z = fe.encode(Map.of("x", Fixtures.floats(OnnxFileFixturesTest.EXPECTED.get("pixel_values"))));
            double err = Fixtures.maxRelErr(z.toDoubleArray(),
                    Fixtures.doubles(OnnxFileFixturesTest.EXPECTED.get("image_embeds").get("data")));
            assertThat(err).isLessThan(1e-5);
        }
    }

    @Test
    void unknownInputNameListsTheRealOnes() {
        var s = OnnxFileEncoderSettings.of(IMAGE).withInputs(Map.of("pixels", "image"));
        assertThatThrownBy(() -> new OnnxFileEncoder(s))
                .hasMessageContaining("the model has no input named 'pixels'")
                .hasMessageContaining("[pixel_values: FLOAT[batch, 3, 8, 8]]");
    }

    @Test
    void unknownOutputNameListsTheRealOnes() {
        var s = OnnxFileEncoderSettings.of(IMAGE).withOutput("last_hidden_state");
        assertThatThrownBy(() -> new OnnxFileEncoder(s))
                .hasMessageContaining("no output named 'last_hidden_state'")
                .hasMessageContaining("image_embeds: FLOAT[batch, 8]");
    }

    @Test
    void batchFieldOfTheWrongRankIsRefusedBeforeOnnxRuntimeRuns() {
        OnnxFileEncoder enc = encoder(IMAGE);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             FrozenOnnxEncoder fe = enc.open(ex)) {
            HostTensor flat = HostTensor.zeros(io.suffice.api.tensor.DType.FLOAT32,
                    io.suffice.api.tensor.Shape.of(2, 192));
            assertThatThrownBy(() -> fe.encode(Map.of("pixel_values", flat)))
                    .hasMessageContaining("batch field 'pixel_values' has rank 2 (shape [2, 192])")
                    .hasMessageContaining("pixel_values: FLOAT[batch, 3, 8, 8] has rank 4");
            HostTensor wrongSize = HostTensor.zeros(io.suffice.api.tensor.DType.FLOAT32,
                    io.suffice.api.tensor.Shape.of(2, 3, 4, 4));
            assertThatThrownBy(() -> fe.encode(Map.of("pixel_values", wrongSize)))
                    .hasMessageContaining("fixes dimension 2 to 8");
            assertThatThrownBy(() -> fe.encode(Map.of("image", flat)))
                    .hasMessageContaining("model input 'pixel_values' reads batch field 'pixel_values', which the "
                            + "batch lacks; fields: [image]");
        }
    }

    @Test
    void poolingThatDoesNotFitTheOutputRankIsRefused() {
        var s = OnnxFileEncoderSettings.of(IMAGE).withPooling(Pooling.MEAN, 1, "");
        assertThatThrownBy(() -> new OnnxFileEncoder(s)).hasMessageContaining("has rank 2; mean pooling over axis 1 "
                + "needs rank >= 3");
    }

    @Test
    void providerReadsItsConfig() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("file", IMAGE.toString());
        v.put("inputs", "pixel_values = image");
        v.put("output", "");
        v.put("pooling", "none");
        v.put("pooling-axis", 1L);
        v.put("pooling-mask", "");
        v.put("normalize", true);
        v.put("trainable", false);
        v.put("untie", false);
        v.put("tokenizer", "");
        v.put("max-length", 0L);
        var enc = (OnnxFileEncoder) new OnnxFileEncoderProvider().create(
                new PluginConfig(PluginKind.ENCODER, "onnx-file", v));
        assertThat(enc.fields()).containsExactly(Map.entry("pixel_values", "image"));
        assertThat(enc.settings().normalize()).isTrue();
        assertThat(enc.summary()).contains("tiny-image-tower.onnx").contains("L2-normalised");
        v.put("inputs", "pixel_values");
        assertThatThrownBy(() -> new OnnxFileEncoderProvider().create(
                new PluginConfig(PluginKind.ENCODER, "onnx-file", v)))
                .hasMessageContaining("is not of the form model_input=field");
    }
}
