package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.PretrainedEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
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
 * Immutable and thread-safe; the parsed model is not kept ({@link #forward} reads the file again).
 */
public final class OnnxFileEncoder implements PretrainedEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxFileEncoder.class);

    private final OnnxFileEncoderSettings settings;
    private final String name;
    private final OnnxModelInfo info;
    private final OnnxModelInfo.TensorSpec output;

    /**
     * @throws IllegalArgumentException when the file is unusable or the settings do not fit it
     */
    public OnnxFileEncoder(OnnxFileEncoderSettings settings) {
        this(settings, "encoder", OnnxModelInspector.parse(settings.file()));
    }

    private OnnxFileEncoder(OnnxFileEncoderSettings settings, String name, OnnxMl.ModelProto model) {
        this.settings = settings;
        this.name = name;
        OpsetSupport.check(settings.file(), model);
        ExternalDataGuard.check(settings.file(), model);
        this.info = OnnxModelInspector.describe(model);
        for (String in : settings.inputs().keySet()) {
            info.input(in);
        }
        if (info.outputs().isEmpty()) {
            throw new IllegalArgumentException(settings.file() + " declares no outputs");
        }
        this.output = settings.output().isEmpty() ? info.outputs().get(0) : info.output(settings.output());
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
            if (settings.pooling() == Pooling.MEAN && (rank < 3 || settings.poolingAxis() < 1
                    || settings.poolingAxis() >= rank)) {
                throw new IllegalArgumentException("output " + output + " of " + settings.file() + " has rank "
                        + rank + "; mean pooling over axis " + settings.poolingAxis()
                        + " needs rank >= 3 and 1 <= axis < rank");
            }
        }
        LOG.info("onnx-file encoder {}:\n{}", settings.file(), info.describe().stripTrailing());
    }

    public OnnxFileEncoderSettings settings() {
        return settings;
    }

    /** What the file declares: inputs, outputs, opsets, metadata. */
    public OnnxModelInfo info() {
        return info;
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
        return new OnnxFileEncoder(settings, newName, OnnxModelInspector.parse(settings.file()));
    }

    @Override
    public String summary() {
        return "onnx-file " + settings.file().getFileName() + " " + info.inputs() + " -> " + output
                + (settings.pooling() == Pooling.MEAN ? ", mean pooling over axis " + settings.poolingAxis() : "")
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
        List<OnnxModelInfo.TensorSpec> ins = info.inputs();
        if (ins.size() != 1) {
            throw new IllegalArgumentException(settings.file() + " has " + ins.size() + " inputs " + ins
                    + "; use forward(graph, Map) to feed each");
        }
        return forward(graph, Map.of(ins.get(0).name(), input));
    }

    /** Multi-input form of {@link #forward(Graph, Value)}: values by model input name. */
    public Value forward(Graph graph, Map<String, Value> inputs) {
        // parsed again here rather than kept: the weights would otherwise stay in memory twice for frozen use
        OnnxMl.ModelProto model = OnnxModelInspector.parse(settings.file());
        OpsetSupport.check(settings.file(), model);
        ExternalDataGuard.check(settings.file(), model);
        OnnxImporter.Result imported = OnnxImporter.importModel(graph, model, inputs, new OnnxImporter.Options(
                name + ".", settings.trainable(), settings.untie()), List.of(output.name()));
        if (settings.trainable()) {
            imported.shared().forEach(line -> LOG.info("onnx-file encoder {}: {}", name, line));
        }
        Map<String, Value> outs = imported.outputs();
        Value y = outs.get(output.name());
        if (settings.pooling() == Pooling.MEAN) {
            y = graph.reduceMean(y, false, settings.poolingAxis());
        }
        if (settings.normalize()) {
            Value norm = graph.sqrt(graph.reduceSum(graph.mul(y, y), true, -1));
            y = graph.div(y, graph.max(norm, graph.scalar(1e-12, y.dtype())));
        }
        return y;
    }

    /** Input names of the model mapped to the batch fields that feed them. */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        info.inputs().forEach(s -> m.put(s.name(), fieldFor(s.name())));
        return m;
    }
}
