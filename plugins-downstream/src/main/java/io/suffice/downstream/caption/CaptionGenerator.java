package io.suffice.downstream.caption;

import io.suffice.api.graph.Executable;
import io.suffice.api.tensor.HostTensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Autoregressive caption generation with a trained {@link CaptionModel}: position by position, the model's logits at
 * position {@code j} (which, by the causal mask, depend only on the image prefix and the tokens already chosen)
 * give {@code P(x_j | x_{<j}, image)}; greedy decoding takes the argmax, sampling draws from the softmax at a
 * temperature. Not-yet-generated positions hold 0 and cannot influence earlier ones. Not thread-safe.
 */
public final class CaptionGenerator {
    private final Executable logits;
    private final Map<String, HostTensor> parameters;
    private final int states;
    private final int length;

    /**
     * @param logits     the compiled function (parameters, text, conditioning) -> {@code logits [B, L, S]}
     * @param parameters the model's live parameters
     */
    public CaptionGenerator(Executable logits, Map<String, HostTensor> parameters, int states, int length) {
        this.logits = logits;
        this.parameters = parameters;
        this.states = states;
        this.length = length;
    }

    /**
     * Generates one caption per conditioning row.
     *
     * @param condition   the conditioning feeds for n rows (frozen embedding or image tokens; empty for none)
     * @param n           number of captions
     * @param temperature 0 for greedy decoding, otherwise the softmax temperature of sampling
     * @return {@code [n][L]} tokens
     */
    public int[][] generate(Map<String, HostTensor> condition, int n, double temperature, RandomGenerator rng) {
        long[] tokens = new long[n * length];
        int[][] out = new int[n][length];
        for (int j = 0; j < length; j++) {
            Map<String, HostTensor> f = new LinkedHashMap<>(parameters);
            f.putAll(condition);
            f.put(CaptionModel.TEXT, HostTensor.of(tokens.clone(), n, length));
            f.keySet().retainAll(logits.inputNames());
            double[] all = logits.run(f).get("logits").toDoubleArray();
            for (int i = 0; i < n; i++) {
                int at = (i * length + j) * states;
                int choice = temperature == 0 ? argmax(all, at) : sample(all, at, temperature, rng);
                tokens[i * length + j] = choice;
                out[i][j] = choice;
            }
        }
        return out;
    }

    private int argmax(double[] v, int at) {
        int best = 0;
        for (int s = 1; s < states; s++) {
            if (v[at + s] > v[at + best]) {
                best = s;
            }
        }
        return best;
    }

    private int sample(double[] v, int at, double temperature, RandomGenerator rng) {
        double max = v[at + argmax(v, at)];
        double[] w = new double[states];
        double sum = 0;
        for (int s = 0; s < states; s++) {
            w[s] = Math.exp((v[at + s] - max) / temperature);
            sum += w[s];
        }
        double u = rng.nextDouble() * sum;
        for (int s = 0; s < states; s++) {
            u -= w[s];
            if (u < 0) {
                return s;
            }
        }
        return states - 1;
    }
}
