package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.PretrainedEncoder;
import io.suffice.api.tensor.DType;
import io.suffice.encoders.onnx.text.TextTokenizer;
import io.suffice.encoders.onnx.text.TokenizerFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pretrained ONNX model file used as an encoder. Creating one parses and vets the file (ONNX format, truncation,
 * supported opset, external data inside the model's folder), logs its inputs, outputs and metadata, and checks the
 * configuration against them: every mapped input and the chosen output must exist (the error lists the real ones),
 * and the output's declared rank must suit the pooling. It is then used in one of two ways:
 * <ul>
 *   <li>frozen, through ONNX Runtime: {@link #open(Executor)} gives a {@link FrozenOnnxEncoder} (an api
 *       {@link io.suffice.api.model.Embedder}, so tasks of other plugins can use it) that maps batch fields to
 *       {@code FLOAT32 [batch, dim]} embeddings; any operator ONNX Runtime runs is fine;</li>
 *   <li>inside a suffice {@link Graph}: {@link #forward} imports the model's graph with {@link OnnxImporter}
 *       (initializers become parameters when {@code trainable}, else constants), which works when every operator
 *       has an import rule and a gradient rule; the error names the ones that do not.</li>
 * </ul>
 * With a {@code tokenizer} the encoder embeds texts ({@link FrozenOnnxEncoder#embedTexts}): it tokenizes them
 * into the batch fields {@value #INPUT_IDS}, {@value #ATTENTION_MASK} and {@value #TOKEN_TYPE_IDS}; model inputs read
 * them by name (or through the {@code inputs} mapping), and mean pooling is masked by {@value #ATTENTION_MASK} unless
 * another {@code pooling-mask} is set.
 * Immutable and thread-safe; the parsed model is not kept ({@link #forward} reads the file again).
 */
public final class OnnxFileEncoder implements PretrainedEncoder, io.suffice.api.model.TokenizingEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxFileEncoder.class);
    /** Batch field of token ids that a tokenizer fills. */
    public static final String INPUT_IDS = "input_ids";
    /** Batch field of the 0/1 attention mask that a tokenizer fills. */
    public static final String ATTENTION_MASK = "attention_mask";
    /** Batch field of token types (segment ids, zeros for single texts) that a tokenizer fills. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final OnnxFileEncoderSettings settings;
    private final String name;
    private final OnnxModelInfo info;
    private final OnnxModelInfo.TensorSpec output;
    private final TextTokenizer tokenizer;

    /**
     * @throws IllegalArgumentException when the file is unusable or the settings do not fit it
     */
    public OnnxFileEncoder(OnnxFileEncoderSettings settings) {
        this(settings, "encoder", OnnxModelInspector.parse(settings.file()), null);
    }

    private OnnxFileEncoder(OnnxFileEncoderSettings settings, String name, OnnxMl.ModelProto model,
                            TextTokenizer tokenizer) {
        this.settings = settings;
        this.name = name;
        this.tokenizer = tokenizer != null || settings.tokenizer() == null ? tokenizer
                : TokenizerFile.load(settings.tokenizer(), settings.maxLength());
        OnnxModelInfo checkedInfo;
        OnnxModelInfo.TensorSpec checkedOutput;
        try {
            OpsetSupport.check(settings.file(), model);
            ExternalDataGuard.check(settings.file(), model);
            OnnxModelInfo info = OnnxModelInspector.describe(model);
            for (String in : settings.inputs().keySet()) {
                info.input(in);
            }
            if (info.outputs().isEmpty()) {
                throw new IllegalArgumentException(settings.file() + " declares no outputs");
            }
            OnnxModelInfo.TensorSpec output = settings.output().isEmpty() ? info.outputs().get(0)
                    : info.output(settings.output());
            if (output.dtype() == null || !(output.dtype().name().startsWith("FLOAT"))) {
                throw new IllegalArgumentException("output '" + output.name() + "' of " + settings.file() + " is "
                        + output.elemType() + "; an embedding must be FLOAT or DOUBLE");
            }
            int rank = output.rank();
            if (rank >= 0) {
                if (settings.pooling() == Pooling.NONE && rank != 2) {
                    throw new IllegalArgumentException("output " + output + " of " + settings.file() + " has rank "
                            + rank + "; an embedding without pooling must have rank 2 [batch, dim]"
                            + (rank > 2 ? " (set pooling = mean to average over axis 1)" : ""));
                }
                if (settings.pooling().reducesAxis() && (rank < 3 || settings.poolingAxis() < 1
                        || settings.poolingAxis() >= rank)) {
                    throw new IllegalArgumentException("output " + output + " of " + settings.file() + " has rank "
                            + rank + "; " + settings.pooling().name().toLowerCase(Locale.ROOT) + " pooling over axis "
                            + settings.poolingAxis()
                            + " needs rank >= 3 and 1 <= axis < rank");
                }
            }
            checkedInfo = info;
            checkedOutput = output;
        } catch (IllegalArgumentException e) {
            throw printable(e);
        }
        this.info = checkedInfo;
        this.output = checkedOutput;
        LOG.info("onnx-file encoder {}:\n{}", settings.file(), info.describe().stripTrailing());
    }

    public OnnxFileEncoderSettings settings() {
        return settings;
    }

    /** What the file declares: inputs, outputs, opsets, metadata. */
    public OnnxModelInfo info() {
        return info;
    }

    @Override
    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    /** Token ids of {@code texts} ({@code input_ids}), padded with the tokenizer's padding id. */
    @Override
    public io.suffice.api.tensor.HostTensor tokenize(List<String> texts) {
        if (tokenizer == null) {
            throw new IllegalStateException("onnx-file encoder " + settings.file() + " has no tokenizer");
        }
        return tokenizer.encode(texts).inputIds();
    }

    @Override
    public int textLength() {
        return tokenizer == null ? 0 : tokenizer.length();
    }

    /** The tokenizer texts go through, or null when the settings name none. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The batch field whose non-zero entries mean pooling averages over: the configured {@code pooling-mask}, else
     * with a tokenizer its {@value #ATTENTION_MASK}; empty for an unmasked mean (and for pooling other than mean).
     */
    public String poolingMaskField() {
        if (settings.pooling() != Pooling.MEAN) {
            return "";
        }
        return !settings.poolingMask().isEmpty() ? settings.poolingMask() : tokenizer != null ? ATTENTION_MASK : "";
    }

    /** The output used as the embedding. */
    public OnnxModelInfo.TensorSpec output() {
        return output;
    }

    /** The batch field that feeds model input {@code input}. */
    public String fieldFor(String input) {
        return settings.inputs().getOrDefault(input, input);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Encoder withName(String newName) {
        return new OnnxFileEncoder(settings, newName, OnnxModelInspector.parse(settings.file()), tokenizer);
    }

    @Override
    public String summary() {
        return "onnx-file " + settings.file().getFileName() + " " + info.inputs() + " -> " + output
                + (settings.pooling().reducesAxis() ? ", " + settings.pooling().name().toLowerCase(Locale.ROOT)
                + " pooling over axis " + settings.poolingAxis() : "")
                + (poolingMaskField().isEmpty() ? "" : " masked by " + poolingMaskField())
                + (settings.tokenizer() != null ? ", tokenizer " + settings.tokenizer().getFileName() : "")
                + (settings.normalize() ? ", L2-normalised" : "") + (settings.trainable() ? ", trainable" : "");
    }

    /**
     * Opens the file as a frozen encoder on {@code executor} (one ONNX Runtime session; close it, or the executor).
     */
    @Override
    public FrozenOnnxEncoder open(Executor executor) {
        return new FrozenOnnxEncoder(this, executor.load(settings.file()));
    }

    /**
     * Imports the model into {@code graph}, feeding {@code input} to its only input (or its only mapped one), and
     * returns the chosen output after pooling and normalisation. Parameters are named {@code <name>.<initializer>}.
     *
     * @throws IllegalArgumentException naming the operators without import or gradient rules
     */
    @Override
    public Value forward(Graph graph, Value input) {
        if (tokenizer != null) {
            return forwardIds(graph, input);
        }
        List<OnnxModelInfo.TensorSpec> ins = info.inputs();
        if (ins.size() != 1) {
            throw new IllegalArgumentException(settings.file() + " has " + ins.size() + " inputs " + ins
                    + "; use forward(graph, Map) to feed each");
        }
        return forward(graph, Map.of(ins.get(0).name(), input));
    }

    /**
     * Multi-input form of {@link #forward(Graph, Value)}: values by model input name. A pooling mask must be the
     * batch field of one of them (e.g. {@code attention_mask}); otherwise use {@link #forwardFields}.
     */
    public Value forward(Graph graph, Map<String, Value> inputs) {
        Map<String, Value> fields = new LinkedHashMap<>();
        inputs.forEach((in, v) -> fields.put(fieldFor(in), v));
        return forwardFields(graph, fields);
    }

    /**
     * Imports the model into {@code graph} and returns the embedding exactly as {@link FrozenOnnxEncoder#encode}
     * computes it: batch fields in (by field name, as the frozen encoder takes them; each model input reads the
     * field its mapping names), the chosen output, pooled (mean, masked by {@link #poolingMaskField()} when set, or
     * the first position for cls) and L2-normalised as configured.
     *
     * @throws IllegalArgumentException naming the operators without import or gradient rules, or a missing field
     */
    public Value forwardFields(Graph graph, Map<String, Value> fields) {
        Map<String, Value> inputs = new LinkedHashMap<>();
        for (OnnxModelInfo.TensorSpec in : info.inputs()) {
            Value v = fields.get(fieldFor(in.name()));
            if (v != null) {
                inputs.put(in.name(), v);
            }
        }
        // parsed again here rather than kept: the weights would otherwise stay in memory twice for frozen use
        OnnxMl.ModelProto model = OnnxModelInspector.parse(settings.file());
        OpsetSupport.check(settings.file(), model);
        ExternalDataGuard.check(settings.file(), model);
        OnnxImporter.Result imported;
        try {
            imported = OnnxImporter.importModel(graph, model, inputs, new OnnxImporter.Options(
                    name + ".", settings.trainable(), settings.untie()), List.of(output.name()));
        } catch (IllegalArgumentException e) {
            throw printable(e);
        }
        if (settings.trainable()) {
            imported.shared().forEach(line -> LOG.info("onnx-file encoder {}: {}", name, line));
        }
        Map<String, Value> outs = imported.outputs();
        Value y = outs.get(output.name());
        if (y.dtype() != DType.FLOAT32) {   // the frozen path hands out FLOAT32 too
            y = graph.cast(y, DType.FLOAT32);
        }
        int axis = settings.poolingAxis();
        if (settings.pooling() == Pooling.CLS) {
            y = graph.squeeze(graph.slice(y, new long[]{0}, new long[]{1}, new long[]{axis}, null), axis);
        } else if (settings.pooling() == Pooling.MEAN) {
            String maskField = poolingMaskField();
            if (maskField.isEmpty()) {
                y = graph.reduceMean(y, false, axis);
            } else {
                Value mask = fields.get(maskField);
                if (mask == null) {
                    throw new IllegalArgumentException("pooling mask field '" + maskField + "' is not among the "
                            + "encoder's fields " + fields.keySet());
                }
                if (axis != 1 || y.shape().rank() != 3) {
                    throw new IllegalArgumentException("a pooling mask needs a [batch, seq, dim] output pooled over "
                            + "axis 1; got output rank " + y.shape().rank() + ", axis " + axis);
                }
                // the frozen path counts positions whose mask entry is non-zero, whatever its value
                Value m = graph.unsqueeze(graph.cast(graph.greater(graph.abs(graph.cast(mask, DType.FLOAT32)),
                        graph.scalar(0, DType.FLOAT32)), DType.FLOAT32), 2);                   // [B, T, 1]
                Value sum = graph.reduceSum(graph.mul(y, m), false, 1);                        // [B, D]
                Value count = graph.reduceSum(m, false, 1);                                    // [B, 1]
                y = graph.div(sum, graph.max(count, graph.scalar(1, DType.FLOAT32)));
            }
        }
        if (settings.normalize()) {
            Value norm = graph.sqrt(graph.reduceSum(graph.mul(y, y), true, -1));
            y = graph.div(y, graph.max(norm, graph.scalar(1e-12, y.dtype())));
        }
        return y;
    }

    /**
     * With a tokenizer: {@code ids} are the {@code input_ids} {@link #tokenize} produces; the attention mask is 1
     * where they are not the padding id and the token types are zeros (single texts), each fed where the model
     * reads them, as {@link FrozenOnnxEncoder#embedTexts} does.
     */
    private Value forwardIds(Graph graph, Value ids) {
        if (ids.dtype() != DType.INT64) {
            throw new IllegalArgumentException("onnx-file encoder with a tokenizer reads INT64 token ids, got "
                    + ids.dtype() + " " + ids.shape());
        }
        Value padding = graph.cast(graph.equal(ids, graph.scalar(tokenizer.padId(), DType.INT64)), DType.INT64);
        Map<String, Value> fields = new LinkedHashMap<>();
        fields.put(INPUT_IDS, ids);
        fields.put(ATTENTION_MASK, graph.sub(graph.scalar(1, DType.INT64), padding));
        fields.put(TOKEN_TYPE_IDS, graph.mul(ids, graph.scalar(0, DType.INT64)));
        return forwardFields(graph, fields);
    }

    /**
     * {@code e} itself, or, when its message holds control characters, the same message with them written as
     * {@code \xNN}: node, operator, tensor and dimension names come from the file and may hold line breaks or binary
     * bytes, and the CLI prints an error as one line.
     */
    private static IllegalArgumentException printable(IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage());
        if (m.chars().noneMatch(OnnxFileEncoder::isControl)) {
            return e;
        }
        StringBuilder sb = new StringBuilder();
        m.chars().forEach(c -> sb.append(isControl(c) ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return new IllegalArgumentException(sb.toString(), e);
    }

    private static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f;
    }

    /** Input names of the model mapped to the batch fields that feed them. */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        info.inputs().forEach(s -> m.put(s.name(), fieldFor(s.name())));
        return m;
    }
}
