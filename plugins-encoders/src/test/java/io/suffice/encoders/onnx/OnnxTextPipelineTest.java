package io.suffice.encoders.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.encoders.onnx.text.HuggingFaceTextTokenizer;
import io.suffice.encoders.onnx.text.TokenizedText;
import io.suffice.runtime.engine.OnnxExport;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text side of the {@code onnx-file} encoder on the tiny BERT-style fixture (tools/fixtures/bert_tiny.py): its
 * WordPiece {@code tokenizer.json} gives the ids the generator computed, padding follows the batch or
 * {@code max-length}, truncation follows the file, and embedding texts reproduces PyTorch's output; the trainable
 * path pools and normalises exactly as the frozen one.
 */
class OnnxTextPipelineTest {
    static final JsonNode REF = Fixtures.json("bert-tiny/reference.json");
    static OrtExecutor executor;

    @BeforeAll
    static void open() {
        executor = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    static List<String> texts() {
        List<String> t = new ArrayList<>();
        REF.get("texts").forEach(n -> t.add(n.asText()));
        return t;
    }

    static long[] longs(HostTensor t) {
        long[] a = new long[t.size()];
        t.longs().get(a);
        return a;
    }

    @Test
    void theWordPieceFileGivesTheGeneratorsIdsPaddedToTheLongestText() throws Exception {
        HuggingFaceTextTokenizer t = HuggingFaceTextTokenizer.load(Fixtures.file("bert-tiny/tokenizer.json"), 0, null);
        assertThat(t.padId()).isZero();            // [PAD], found in the file
        assertThat(t.truncation()).isEqualTo(32);  // the file's truncation.max_length
        TokenizedText e = t.encode(texts());
        assertThat(e.inputIds().shape()).isEqualTo(Shape.of(Fixtures.shape(REF.get("input_ids"))));
        assertThat(longs(e.inputIds())).containsExactly(longs(Fixtures.longs(REF.get("input_ids"))));
        assertThat(longs(e.attentionMask())).containsExactly(longs(Fixtures.longs(REF.get("attention_mask"))));
        assertThat(longs(e.tokenTypeIds())).containsOnly(0L);

        // a batch of short texts is only as long as its longest; max-length fixes the length
        assertThat(t.encode(List.of("a bag", "a")).inputIds().shape()).isEqualTo(Shape.of(2, 4));
        HuggingFaceTextTokenizer fixed = HuggingFaceTextTokenizer.load(Fixtures.file("bert-tiny/tokenizer.json"), 6,
                null);
        long[] ids = longs(fixed.encode(List.of("a photo of a black bag with a coat", "a")).inputIds());
        assertThat(ids).containsExactly(2, 11, 15, 14, 11, 3, 2, 11, 3, 0, 0, 0);  // cut keeping [SEP]

        // truncation per the file: 40 words become 32 tokens ending in [SEP]
        TokenizedText lng = t.encode(List.of("a bag ".repeat(20)));
        assertThat(lng.inputIds().shape()).isEqualTo(Shape.of(1, 32));
        assertThat(longs(lng.inputIds())[31]).isEqualTo(3);
        assertThat(longs(lng.attentionMask())).containsOnly(1L);
    }

    @Test
    void embeddingTextsReproducesPytorchForEachPooling() {
        double[] hidden = Fixtures.doubles(REF.get("last_hidden_state").get("data"));   // [3, 13, 16]
        long[] mask = longs(Fixtures.longs(REF.get("attention_mask")));
        int n = 3;
        int len = 13;
        int dim = 16;
        for (String file : List.of("bert-tiny-opset11.onnx", "bert-tiny-opset14.onnx")) {
            for (Pooling p : List.of(Pooling.MEAN, Pooling.CLS)) {
                OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("bert-tiny/"
                        + file)).withPooling(p, 1, "").withTokenizer(Fixtures.file("bert-tiny/tokenizer.json"), 0));
                double[] expected = new double[n * dim];
                for (int b = 0; b < n; b++) {
                    double count = 0;
                    for (int t = 0; t < (p == Pooling.CLS ? 1 : len); t++) {
                        if (p == Pooling.CLS || mask[b * len + t] != 0) {
                            count++;
                            for (int k = 0; k < dim; k++) {
                                expected[b * dim + k] += hidden[(b * len + t) * dim + k];
                            }
                        }
                    }
                    for (int k = 0; k < dim; k++) {
                        expected[b * dim + k] /= count;
                    }
                }
                try (FrozenOnnxEncoder f = enc.open(executor)) {
                    HostTensor z = f.embedTexts(texts());
                    assertThat(z.shape()).isEqualTo(Shape.of(n, dim));
                    double err = Fixtures.maxRelErr(z.toDoubleArray(), expected);
                    System.out.printf("%s %s pooling: max rel err vs PyTorch %.3g%n", file, p, err);
                    assertThat(err).isLessThan(1e-5);
                }
            }
        }
    }

    /**
     * A [batch, seq, dim] text model built with the engine: ids -> embedding table -> tanh(x W) (so padding positions
     * carry non-zero, different values that an unmasked mean would include).
     */
    static Path sequenceModel(Path dir) throws Exception {
        Graph g = new Graph(3);
        Value ids = g.input("input_ids", DType.INT64, Shape.DYNAMIC, 5);
        Value mask = g.input("attention_mask", DType.INT64, Shape.DYNAMIC, 5);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        float[] table = new float[10 * 6];
        float[] w = new float[6 * 6];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * 0.5);
        }
        Value e = g.gather(g.constant(HostTensor.of(table, 10, 6)), ids, 0);                  // [B, 5, 6]
        Value m = g.unsqueeze(g.cast(mask, DType.FLOAT32), 2);
        Value h = g.tanh(g.add(g.matMul(e, g.constant(HostTensor.of(w, 6, 6))), m));        // mask used by the model
        Path f = dir.resolve("seq.onnx");
        OnnxExport.export(f, List.of(ids, mask), Map.of("last_hidden_state", h), ParameterStore.of(g));
        return f;
    }

    @Test
    void theTrainablePathPoolsAndNormalisesExactlyAsTheFrozenOne(@TempDir Path dir) throws Exception {
        Path model = sequenceModel(dir);
        HostTensor ids = HostTensor.of(new long[]{1, 4, 7, 2, 0, 3, 9, 0, 0, 0, 5, 6, 8, 1, 2}, 3, 5);
        HostTensor mask = HostTensor.of(new long[]{1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1}, 3, 5);
        Map<String, HostTensor> batch = Map.of("tokens", ids, "m", mask);
        record Case(Pooling pooling, String mask, boolean normalize) {
        }
        for (Case c : List.of(new Case(Pooling.MEAN, "m", true), new Case(Pooling.MEAN, "m", false),
                new Case(Pooling.MEAN, "", true), new Case(Pooling.CLS, "", true))) {
            OnnxFileEncoderSettings s = OnnxFileEncoderSettings.of(model)
                    .withInputs(Map.of("input_ids", "tokens", "attention_mask", "m"))
                    .withPooling(c.pooling(), 1, c.mask()).withNormalize(c.normalize()).withTrainable(true);
            OnnxFileEncoder enc = new OnnxFileEncoder(s);
            double[] frozen;
            try (FrozenOnnxEncoder f = enc.open(executor)) {
                frozen = f.encode(batch).toDoubleArray();
            }
            Graph g = new Graph(0);
            Map<String, Value> in = new LinkedHashMap<>();
            in.put("input_ids", g.input("tokens", DType.INT64, 3, 5));
            in.put("attention_mask", g.input("m", DType.INT64, 3, 5));
            Value z = enc.forward(g, in);
            List<Value> inputs = new ArrayList<>(g.parameters());
            inputs.addAll(g.inputs());
            Map<String, HostTensor> feeds = new LinkedHashMap<>(ParameterStore.of(g).asMap());
            feeds.putAll(batch);
            double[] trainable = executor.compile(g, inputs, Map.of("z", z)).run(feeds).get("z").toDoubleArray();
            assertThat(trainable).hasSize(frozen.length);
            double maxDiff = 0;
            for (int i = 0; i < frozen.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(trainable[i] - frozen[i]));
            }
            System.out.printf("%s: frozen vs imported max |diff| %.3g%n", c, maxDiff);
            assertThat(maxDiff).as(c.toString()).isLessThan(1e-6);
        }
        // and the mask matters here: an unmasked mean differs from the masked one
        OnnxFileEncoderSettings plain = OnnxFileEncoderSettings.of(model)
                .withInputs(Map.of("input_ids", "tokens", "attention_mask", "m")).withPooling(Pooling.MEAN, 1, "");
        try (FrozenOnnxEncoder a = new OnnxFileEncoder(plain).open(executor);
             FrozenOnnxEncoder b = new OnnxFileEncoder(plain.withPooling(Pooling.MEAN, 1, "m")).open(executor)) {
            assertThat(a.encode(batch).toDoubleArray()).isNotEqualTo(b.encode(batch).toDoubleArray());
        }
    }
}
