package io.suffice.downstream.clip;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.model.TokenizingEncoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.tensor.HostTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A labelled caption dataset seen through a text tower's own tokenizer: the caption field of every batch, word ids
 * of the dataset's vocabulary, is turned back into text (the words joined by spaces, {@code <...>} special tokens
 * left out) and tokenized by the {@link TokenizingEncoder}; the zero-shot prompts are the templates filled with the
 * class names and tokenized the same way. Images, labels and everything else pass through unchanged. This is how a
 * pretrained text model (an {@code onnx-file} encoder with {@code tokenizer:}) trains on a dataset that ships word
 * ids. Immutable and thread-safe like the dataset and encoder it wraps.
 */
final class RetokenizedCaptions implements Dataset {
    private final Dataset data;
    private final ZeroShotSource labelled;
    private final String textField;
    private final TokenizingEncoder tokenizer;

    private RetokenizedCaptions(Dataset data, ZeroShotSource labelled, String textField, TokenizingEncoder tokenizer) {
        this.data = data;
        this.labelled = labelled;
        this.textField = textField;
        this.tokenizer = tokenizer;
    }

    /**
     * @throws IllegalArgumentException when the dataset has no vocabulary to read its captions with, or the
     *                                  tokenizer does not fix the text length (the towers' graph needs one)
     */
    static RetokenizedCaptions of(Dataset data, String textField, TokenizingEncoder tokenizer) {
        ZeroShotSource z = data.zeroShot().orElseThrow(() -> new IllegalArgumentException("the text encoder "
                + "tokenizes text itself, but dataset " + data.getClass().getSimpleName() + " offers no vocabulary "
                + "to read its '" + textField + "' ids back as text"));
        if (tokenizer.textLength() <= 0) {
            throw new IllegalArgumentException("the text encoder's tokenizer pads each batch to its longest text, "
                    + "but the clip graph needs a fixed text length: set text-encoder.max-length");
        }
        return new RetokenizedCaptions(data, z, textField, tokenizer);
    }

    /** The words of each row of {@code ids} (dataset vocabulary), joined by spaces, special tokens left out. */
    static List<String> texts(HostTensor ids, List<String> vocabulary) {
        int n = (int) ids.shape().dim(0);
        int len = ids.size() / Math.max(n, 1);
        long[] v = new long[ids.size()];
        ids.longs().get(v);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int t = 0; t < len; t++) {
                long id = v[i * len + t];
                String w = id >= 0 && id < vocabulary.size() ? vocabulary.get((int) id) : "";
                if (w.isEmpty() || (w.startsWith("<") && w.endsWith(">"))) {
                    continue;
                }
                sb.append(sb.length() == 0 ? "" : " ").append(w);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private Batch retokenize(Batch b) {
        Map<String, HostTensor> f = new LinkedHashMap<>(b.fields());
        f.put(textField, tokenizer.tokenize(texts(b.get(textField), labelled.vocabulary())));
        return new Batch(f);
    }

    @Override
    public long size() {
        return data.size();
    }

    @Override
    public Batch sample(int n, RandomGenerator rng) {
        return retokenize(data.sample(n, rng));
    }

    @Override
    public Batch all() {
        return retokenize(data.all());
    }

    @Override
    public Optional<BayesOracle> oracle() {
        return data.oracle();
    }

    @Override
    public Optional<ZeroShotSource> zeroShot() {
        return Optional.of(new ZeroShotSource() {
            @Override
            public List<String> classNames() {
                return labelled.classNames();
            }

            @Override
            public List<String> templates() {
                return labelled.templates();
            }

            @Override
            public HostTensor prompts(int classIndex) {
                String name = labelled.classNames().get(classIndex);
                return tokenizer.tokenize(labelled.templates().stream().map(t -> t.replace("{}", name)).toList());
            }

            @Override
            public List<String> vocabulary() {
                return labelled.vocabulary();
            }

            @Override
            public Batch train(int n) {
                return labelled.train(n);
            }

            @Override
            public Batch test() {
                return labelled.test();
            }
        });
    }
}
