package io.suffice.downstream.probe;

/**
 * Least-squares fit of {@code risk(M) = A / M + B} to zero-shot risks measured with M prompts per class
 * (contrastive-jghm.md section 4: the prompt-ensemble risk falls like A/M + B, with B close to the Bayes risk).
 * Linear in (A, B) with regressor 1/M, so the normal equations solve it exactly.
 *
 * @param a coefficient of 1/M
 * @param b the extrapolated risk at M = infinity
 */
public record PromptCountFit(double a, double b) {

    /** Fits to pairs {@code (m[i], risk[i])}; needs at least two distinct M. */
    public static PromptCountFit fit(double[] m, double[] risk) {
        if (m.length != risk.length || m.length < 2) {
            throw new IllegalArgumentException("need at least two (M, risk) pairs of equal length");
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = m.length;
        for (int i = 0; i < n; i++) {
            if (!(m[i] > 0)) {
                throw new IllegalArgumentException("prompt count M must be positive, got " + m[i]);
            }
            double x = 1 / m[i];
            sx += x;
            sy += risk[i];
            sxx += x * x;
            sxy += x * risk[i];
        }
        double det = n * sxx - sx * sx;
        if (Math.abs(det) < 1e-15 * n * sxx) {
            throw new IllegalArgumentException("need at least two distinct prompt counts M");
        }
        double a = (n * sxy - sx * sy) / det;
        return new PromptCountFit(a, (sy - a * sx) / n);
    }

    /** The fitted risk at M prompts. */
    public double predict(double m) {
        return a / m + b;
    }
}
