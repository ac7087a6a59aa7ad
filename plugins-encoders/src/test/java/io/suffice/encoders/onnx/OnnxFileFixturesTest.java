package io.suffice.encoders.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The two PyTorch-exported towers, loaded through the onnx-file encoder, reproduce PyTorch's recorded outputs. */
class OnnxFileFixturesTest {
    static final JsonNode EXPECTED = Fixtures.json("tiny-towers-expected.json");
    static OrtExecutor executor;

    @BeforeAll
    static void open() {
        executor = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    @Test
    void imageTowerMatchesPytorch() {
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-image-tower.onnx"))
                .withInputs(Map.of("pixel_values", "image")));
        OnnxModelInfo info = enc.info();
        assertThat(info.inputs()).hasSize(1);
        assertThat(info.inputs().get(0).toString()).isEqualTo("pixel_values: FLOAT[batch, 3, 8, 8]");
        assertThat(info.outputs().get(0).toString()).isEqualTo("image_embeds: FLOAT[batch, 8]");
        assertThat(info.defaultOpset()).isEqualTo(17);
        assertThat(info.producerName()).isEqualTo("pytorch");
        try (FrozenOnnxEncoder f = enc.open(executor)) {
            HostTensor z = f.encode(Map.of("image", Fixtures.floats(EXPECTED.get("pixel_values"))));
            assertThat(z.shape()).isEqualTo(Shape.of(3, 8));
            double err = Fixtures.maxRelErr(z.toDoubleArray(), Fixtures.doubles(EXPECTED.get("image_embeds").get("data")));
            System.out.printf("image tower: max relative error vs PyTorch %.3g%n", err);
            assertThat(err).isLessThan(1e-5);
        }
    }

    @Test
    void textTowerMatchesPytorch() {
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-text-tower.onnx"))
                .withInputs(Map.of("input_ids", "tokens", "attention_mask", "mask")));
        assertThat(enc.info().inputNames()).containsExactly("input_ids", "attention_mask");
        assertThat(enc.info().inputs().get(0).dims()).containsExactly("batch", "6");
        try (FrozenOnnxEncoder f = enc.open(executor)) {
            HostTensor z = f.encode(Map.of("tokens", Fixtures.longs(EXPECTED.get("input_ids")),
                    "mask", Fixtures.longs(EXPECTED.get("attention_mask"))));
            double err = Fixtures.maxRelErr(z.toDoubleArray(), Fixtures.doubles(EXPECTED.get("text_embeds").get("data")));
            System.out.printf("text tower: max relative error vs PyTorch %.3g%n", err);
            assertThat(err).isLessThan(1e-5);
        }
    }

    /** What a task in another plugin sees: only api types (PretrainedEncoder, Embedder). */
    @Test
    void usableThroughApiTypesOnly() {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("file", Fixtures.file("tiny-text-tower.onnx").toString());
        v.put("inputs", "input_ids=tokens, attention_mask=mask");
        v.put("output", "text_embeds");
        v.put("pooling", "none");
        v.put("pooling-axis", 1L);
        v.put("pooling-mask", "");
        v.put("normalize", false);
        v.put("trainable", false);
        v.put("untie", false);
        v.put("tokenizer", "");
        v.put("max-length", 0L);
        io.suffice.api.model.Encoder enc = new OnnxFileEncoderProvider().create(new io.suffice.api.plugin.PluginConfig(
                io.suffice.api.plugin.PluginKind.ENCODER, "onnx-file", v));
        assertThat(enc).isInstanceOf(io.suffice.api.model.PretrainedEncoder.class);
        try (io.suffice.api.model.Embedder e = ((io.suffice.api.model.PretrainedEncoder) enc).open(executor)) {
            HostTensor z = e.embed(Map.of("tokens", Fixtures.longs(EXPECTED.get("input_ids")),
                    "mask", Fixtures.longs(EXPECTED.get("attention_mask"))));
            assertThat(Fixtures.maxRelErr(z.toDoubleArray(), Fixtures.doubles(EXPECTED.get("text_embeds").get("data"))))
                    .isLessThan(1e-5);
        }
    }

    @Test
    void normalisedEmbeddingsHaveUnitNormAndSameDirection() {
        var settings = OnnxFileEncoderSettings.of(Fixtures.file("tiny-image-tower.onnx"))
                .withInputs(Map.of("pixel_values", "image"));
        HostTensor raw;
        HostTensor unit;
        Map<String, HostTensor> batch = Map.of("image", Fixtures.floats(EXPECTED.get("pixel_values")));
        try (FrozenOnnxEncoder a = new OnnxFileEncoder(settings).open(executor);
             FrozenOnnxEncoder b = new OnnxFileEncoder(settings.withNormalize(true)).open(executor)) {
            raw = a.encode(batch);
            unit = b.encode(batch);
        }
        double[] r = raw.toDoubleArray();
        double[] u = unit.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double n = 0;
            double rn = 0;
            for (int k = 0; k < 8; k++) {
                n += u[i * 8 + k] * u[i * 8 + k];
                rn += r[i * 8 + k] * r[i * 8 + k];
            }
            assertThat(Math.sqrt(n)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            for (int k = 0; k < 8; k++) {
                assertThat(u[i * 8 + k]).isCloseTo(r[i * 8 + k] / Math.sqrt(rn), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void maskedMeanPoolingAveragesOnlyUnmaskedPositions() {
        // [2, 3, 2] output pooled over axis 1 with mask [[1,1,0],[1,0,0]]
        HostTensor x = HostTensor.of(new float[]{1, 2, 3, 4, 100, 100, 5, 6, 100, 100, 100, 100}, 2, 3, 2);
        HostTensor mask = HostTensor.of(new long[]{1, 1, 0, 1, 0, 0}, 2, 3);
        double[] got = Pooling.MEAN.apply(x, 1, mask).toDoubleArray();
        assertThat(got).containsExactly(2, 3, 5, 6);
        double[] unmasked = Pooling.MEAN.apply(x, 1, null).toDoubleArray();
        assertThat(unmasked).containsExactly(new double[]{(1 + 3 + 100) / 3.0, (2 + 4 + 100) / 3.0,
                (5 + 200) / 3.0, (6 + 200) / 3.0}, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(List.of(Pooling.parse("mean"), Pooling.parse("none"))).containsExactly(Pooling.MEAN, Pooling.NONE);
    }
}
