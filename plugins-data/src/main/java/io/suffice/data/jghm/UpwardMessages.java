package io.suffice.data.jghm;

/**
 * The result of one upward pass of {@link BeliefPropagation} for one example, in log space, nodes numbered level by
 * level from the root (index 0), breadth-first within a level.
 * {@code logH[u][b] = log h_u(b)}: for a leaf its evidence {@code log lambda_u(b)} (0/-inf for hard evidence), for an
 * internal node the sum of its children's messages, for the root {@code log p(evidence | y)} (paper sec. 2).
 * {@code logMu[u][a] = log mu_u(a) = log sum_b T[a,b] h_u(b)}, the message to the parent (unused at the root).
 * Owned by the caller; not thread-safe to mutate.
 *
 * @param logH  {@code [nodes][S]}
 * @param logMu {@code [nodes][S]}
 */
public record UpwardMessages(double[][] logH, double[][] logMu) {

    /** {@code log p(evidence | y)}, the root's {@code log h_r} (a copy). */
    public double[] logRootLikelihood() {
        return logH[0].clone();
    }

    /** Root posterior {@code pi(y | evidence)} under a uniform root prior. */
    public double[] rootPosterior() {
        return LogMath.normalize(logH[0]);
    }
}
