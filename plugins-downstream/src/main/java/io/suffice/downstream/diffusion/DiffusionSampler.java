package io.suffice.downstream.diffusion;

import java.util.random.RandomGenerator;

/**
 * Reverse process of the variance-exploding diffusion (beyond the authors, contrastive-jghm.md sec. 4): start from
 * {@code z_0 = c + sigma_0 * eps} ({@code c} the middle of the symbol range) and step through the
 * {@link NoiseSchedule} with the learned posterior mean {@code xhat = D(z_k, sigma_k)}:
 * <pre>
 *   z_{k+1} = xhat + sqrt(sigma_{k+1}^2 - s^2) * (z_k - xhat) / sigma_k + s * eps,
 *   s = eta * sigma_{k+1} * sqrt(1 - sigma_{k+1}^2 / sigma_k^2)
 * </pre>
 * ({@code eta = 0}: the deterministic DDIM / probability-flow step; {@code eta = 1}: the ancestral step whose
 * marginals match the forward process when D is the exact posterior mean). After the last level the final mean is
 * rounded to the nearest symbol in {@code 0..S-1}, giving a discrete image.
 */
public final class DiffusionSampler {

    /** The learned posterior mean at one noise level, for a batch of rows. */
    @FunctionalInterface
    public interface Denoiser {
        /** {@code E[x | z, sigma]} per row and leaf. */
        double[][] mean(double[][] z, double sigma);
    }

    private final NoiseSchedule schedule;
    private final int states;
    private final double eta;

    public DiffusionSampler(NoiseSchedule schedule, int states, double eta) {
        if (eta < 0 || eta > 1) {
            throw new IllegalArgumentException("eta must be in [0, 1], got " + eta);
        }
        this.schedule = schedule;
        this.states = states;
        this.eta = eta;
    }

    /**
     * Samples {@code n} images of {@code leaves} leaves.
     *
     * @return {@code [n][leaves]} symbols
     */
    public int[][] sample(Denoiser denoiser, int n, int leaves, RandomGenerator rng) {
        double center = (states - 1) / 2.0;
        double[][] z = new double[n][leaves];
        double s0 = schedule.sigma(0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < leaves; j++) {
                z[i][j] = center + s0 * rng.nextGaussian();
            }
        }
        double[][] xhat = null;
        for (int k = 0; k < schedule.levels(); k++) {
            double sk = schedule.sigma(k);
            xhat = denoiser.mean(z, sk);
            if (k + 1 == schedule.levels()) {
                break;
            }
            double next = schedule.sigma(k + 1);
            double noise = eta * next * Math.sqrt(Math.max(0, 1 - next * next / (sk * sk)));
            double keep = Math.sqrt(Math.max(0, next * next - noise * noise)) / sk;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < leaves; j++) {
                    z[i][j] = xhat[i][j] + keep * (z[i][j] - xhat[i][j]) + noise * rng.nextGaussian();
                }
            }
        }
        int[][] out = new int[n][leaves];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < leaves; j++) {
                out[i][j] = (int) Math.max(0, Math.min(states - 1, Math.round(xhat[i][j])));
            }
        }
        return out;
    }
}
