package io.suffice.encoders.onnx;

import io.suffice.api.data.Batch;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.model.Embedder;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link OnnxFileEncoder} opened on an executor: batch fields in, {@code FLOAT32 [batch, dim]} embeddings out
 * (after the configured pooling and L2 normalisation). Feeds are checked against the file's declared inputs before
 * they reach ONNX Runtime (missing field, dtype, rank, fixed dimensions), with messages naming the model input, the
 * batch field and the declared shape. Not thread-safe (one session); closing it closes the session.
 */
public final class FrozenOnnxEncoder implements Embedder {
    private final OnnxFileEncoder encoder;
    private final Executable exec;

    FrozenOnnxEncoder(OnnxFileEncoder encoder, Executable exec) {
        this.encoder = encoder;
        this.exec = exec;
    }

    public OnnxFileEncoder encoder() {
        return encoder;
    }

    @Override
    public HostTensor embed(Map<String, HostTensor> fields) {
        return encode(fields);
    }

    /** Embeds a batch; see {@link #encode(Map)}. */
    public HostTensor encode(Batch batch) {
        return encode(batch.fields());
    }

    /**
     * Embeds one batch.
     *
     * @param fields batch fields by name; each model input reads the field its mapping names
     * @return a new FLOAT32 tensor {@code [batch, dim]}
     */
    public HostTensor encode(Map<String, HostTensor> fields) {
        Map<String, HostTensor> feeds = new LinkedHashMap<>();
        for (OnnxModelInfo.TensorSpec in : encoder.info().inputs()) {
            String field = encoder.fieldFor(in.name());
            HostTensor t = fields.get(field);
            if (t == null) {
                throw new IllegalArgumentException("model input '" + in.name() + "' reads batch field '" + field
                        + "', which the batch lacks; fields: " + fields.keySet());
            }
            check(in, field, t);
            feeds.put(in.name(), t);
        }
        HostTensor y = exec.run(feeds).get(encoder.output().name());
        if (y.dtype() == DType.FLOAT64) {
            double[] d = y.toDoubleArray();
            HostTensor f = HostTensor.zeros(DType.FLOAT32, y.shape());
            for (int i = 0; i < d.length; i++) {
                f.floats().put(i, (float) d[i]);
            }
            y = f;
        }
        OnnxFileEncoderSettings s = encoder.settings();
        HostTensor mask = null;
        String maskField = encoder.poolingMaskField();
        if (!maskField.isEmpty()) {
            mask = fields.get(maskField);
            if (mask == null) {
                throw new IllegalArgumentException("pooling mask field '" + maskField
                        + "' is not in the batch; fields: " + fields.keySet());
            }
        }
        HostTensor z = s.pooling().apply(y, s.poolingAxis(), mask);
        if (s.normalize()) {
            if (z == y) {
                z = z.copy();
            }
            Pooling.l2Normalize(z);
        }
        return z;
    }

    /**
     * Embeds texts through the encoder's tokenizer: the batch fields {@code input_ids}, {@code attention_mask} and
     * {@code token_type_ids} it produces feed the model inputs that read them (inputs the model does not declare are
     * not fed), then {@link #encode(Map)}.
     *
     * @return a new FLOAT32 tensor {@code [texts, dim]}
     * @throws IllegalStateException when the encoder has no tokenizer
     */
    public HostTensor embedTexts(List<String> texts) {
        if (encoder.tokenizer() == null) {
            throw new IllegalStateException("onnx-file encoder " + encoder.settings().file() + " has no tokenizer");
        }
        return encode(textFields(encoder.tokenizer().encode(texts)));
    }

    /** The batch fields of tokenized texts, by the names {@link OnnxFileEncoder} gives them. */
    public static Map<String, HostTensor> textFields(io.suffice.encoders.onnx.text.TokenizedText t) {
        Map<String, HostTensor> fields = new LinkedHashMap<>();
        fields.put(OnnxFileEncoder.INPUT_IDS, t.inputIds());
        fields.put(OnnxFileEncoder.ATTENTION_MASK, t.attentionMask());
        fields.put(OnnxFileEncoder.TOKEN_TYPE_IDS, t.tokenTypeIds());
        return fields;
    }

    private void check(OnnxModelInfo.TensorSpec in, String field, HostTensor t) {
        if (in.dtype() != null && t.dtype() != in.dtype()) {
            throw new IllegalArgumentException("batch field '" + field + "' is " + t.dtype() + " but model input "
                    + in + " needs " + in.elemType());
        }
        List<String> dims = in.dims();
        if (dims == null) {
            return;
        }
        if (t.shape().rank() != dims.size()) {
            throw new IllegalArgumentException("batch field '" + field + "' has rank " + t.shape().rank()
                    + " (shape " + t.shape() + ") but model input " + in + " has rank " + dims.size());
        }
        for (int i = 0; i < dims.size(); i++) {
            if (in.isFixed(i) && Long.parseLong(dims.get(i)) != t.shape().dim(i)) {
                throw new IllegalArgumentException("batch field '" + field + "' has shape " + t.shape()
                        + " but model input " + in + " fixes dimension " + i + " to " + dims.get(i));
            }
        }
    }

    @Override
    public void close() {
        exec.close();
    }
}
