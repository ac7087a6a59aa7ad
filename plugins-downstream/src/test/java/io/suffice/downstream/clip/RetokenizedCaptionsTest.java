package io.suffice.downstream.clip;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.model.TokenizingEncoder;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Captions of dataset word ids, read back as text and tokenized by the text tower's own tokenizer. */
class RetokenizedCaptionsTest {
    static final List<String> VOCAB = List.of("<pad>", "<unk>", "a", "photo", "of", "t", "-", "shirt", "bag");

    /** Tokenizes by word length (so the test sees exactly which texts arrive), fixed length 4, padding 0. */
    record LengthTokenizer(int length, List<String> seen) implements TokenizingEncoder {
        @Override
        public boolean hasTokenizer() {
            return true;
        }

        @Override
        public HostTensor tokenize(List<String> texts) {
            seen.addAll(texts);
            long[] ids = new long[texts.size() * 4];
            for (int i = 0; i < texts.size(); i++) {
                String[] w = texts.get(i).split(" ");
                for (int k = 0; k < Math.min(4, w.length); k++) {
                    ids[i * 4 + k] = w[k].length();
                }
            }
            return HostTensor.of(ids, texts.size(), 4);
        }

        @Override
        public int textLength() {
            return length;
        }

        @Override
        public String summary() {
            return "length tokenizer";
        }
    }

    static Dataset captions() {
        HostTensor text = HostTensor.of(new long[]{2, 3, 4, 2, 5, 6, 7, 0, 2, 8, 0, 0, 0, 0, 0, 0}, 2, 8);
        HostTensor image = HostTensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        ZeroShotSource z = new ZeroShotSource() {
            public List<String> classNames() {
                return List.of("t-shirt", "bag");
            }

            public List<String> templates() {
                return List.of("a photo of a {}", "a {}");
            }

            public HostTensor prompts(int c) {
                throw new AssertionError("the wrapper fills the templates itself");
            }

            public List<String> vocabulary() {
                return VOCAB;
            }

            public Batch train(int n) {
                return null;
            }

            public Batch test() {
                return null;
            }
        };
        return new Dataset() {
            public long size() {
                return 2;
            }

            public Batch sample(int n, RandomGenerator rng) {
                return new Batch(Map.of("image", image, "text", text));
            }

            public Batch all() {
                return sample(2, null);
            }

            public Optional<ZeroShotSource> zeroShot() {
                return Optional.of(z);
            }
        };
    }

    @Test
    void captionsAndPromptsReachTheTokenizerAsTextAndImagesPassThrough() {
        List<String> seen = new ArrayList<>();
        Dataset d = RetokenizedCaptions.of(captions(), "text", new LengthTokenizer(4, seen));
        Batch b = d.sample(2, null);
        assertThat(seen).containsExactly("a photo of a t - shirt", "a bag");
        long[] ids = new long[8];
        b.get("text").longs().get(ids);
        assertThat(ids).containsExactly(1, 5, 2, 1, 1, 3, 0, 0);
        assertThat(b.get("image").toDoubleArray()).containsExactly(1, 2, 3, 4);
        seen.clear();
        d.zeroShot().orElseThrow().prompts(0);
        assertThat(seen).containsExactly("a photo of a t-shirt", "a t-shirt");
    }

    @Test
    void aTokenizerWithoutFixedLengthOrADatasetWithoutVocabularyIsRefused() {
        assertThatThrownBy(() -> RetokenizedCaptions.of(captions(), "text", new LengthTokenizer(0, new ArrayList<>())))
                .hasMessageContaining("set text-encoder.max-length");
        Dataset plain = new Dataset() {
            public long size() {
                return 0;
            }

            public Batch sample(int n, RandomGenerator rng) {
                return null;
            }

            public Batch all() {
                return null;
            }
        };
        assertThatThrownBy(() -> RetokenizedCaptions.of(plain, "text", new LengthTokenizer(4, new ArrayList<>())))
                .hasMessageContaining("offers no vocabulary");
    }
}
