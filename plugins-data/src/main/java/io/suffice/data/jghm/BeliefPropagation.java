package io.suffice.data.jghm;

/**
 * Exact belief propagation on one JGHM tree (paper sec. 2), in log space: messages are kept as logarithms and every
 * sum-product {@code log sum_b T[a,b] exp(x_b)} is evaluated max-shifted ({@code M + log sum_b T[a,b] exp(x_b - M)}),
 * which is exact and never overflows or underflows the leading term. Cost O(nodes * S^2) per pass.
 * <ul>
 * <li>Upward: a leaf {@code v} in child position {@code c} sends {@code mu_v(a) = sum_b T[L-1][c][a,b] lambda_v(b)}
 * (for a hard observation {@code T[L-1][c][a, x_v]}); an internal node combines {@code h_u = prod_v mu_v} and sends
 * {@code mu_u(a) = sum_b T[l][c][a,b] h_u(b)}; at the root {@code h_r(y) = p(leaves | y)}.</li>
 * <li>Downward: from a root factor {@code log p(y) + (outside message, e.g. the other tree's log h_r)}, the message
 * into child {@code v} of {@code u} is {@code sum_a T[a,b] down_u(a) prod_{siblings w} mu_w(a)}; the leaf marginal is
 * proportional to that message times {@code lambda_v}.</li>
 * </ul>
 * Batching: the methods take flat token arrays with an offset, so callers run many examples over one array (the
 * oracle parallelises over examples). Immutable and thread-safe; each call allocates its own work arrays.
 */
public final class BeliefPropagation {
    /** Token value meaning "leaf not observed" (evidence {@code lambda = 1}). */
    public static final int UNOBSERVED = -1;

    private final TreeModel tree;
    private final int s;
    private final int m;
    private final int depth;
    private final int leaves;
    private final int[] offset;
    private final double[][][][] t;
    private final double[][][][] logT;

    public BeliefPropagation(TreeModel tree) {
        this.tree = tree;
        this.s = tree.states();
        this.m = tree.branching();
        this.depth = tree.depth();
        this.leaves = tree.leaves();
        this.offset = new int[depth + 2];
        for (int d = 0; d <= depth; d++) {
            offset[d + 1] = offset[d] + tree.levelSize(d);
        }
        this.t = tree.raw();
        this.logT = new double[depth][m][s][s];
        for (int l = 0; l < depth; l++) {
            for (int c = 0; c < m; c++) {
                for (int a = 0; a < s; a++) {
                    for (int b = 0; b < s; b++) {
                        logT[l][c][a][b] = Math.log(t[l][c][a][b]);
                    }
                }
            }
        }
    }

    public TreeModel tree() {
        return tree;
    }

    /** Total number of nodes, root included. */
    public int nodes() {
        return offset[depth + 1];
    }

    /**
     * Upward pass with hard evidence: leaf {@code i} observed as {@code tokens[off + i]}, or unobserved when that is
     * {@link #UNOBSERVED}.
     */
    public UpwardMessages upward(int[] tokens, int off) {
        double[][] logH = new double[nodes()][s];
        double[][] logMu = new double[nodes()][s];
        int base = offset[depth];
        double[][][] last = logT[depth - 1];
        for (int j = 0; j < leaves; j++) {
            int v = base + j;
            int c = j % m;
            int x = tokens[off + j];
            if (x == UNOBSERVED) {
                messageUp(t[depth - 1][c], logH[v], logMu[v]);
            } else {
                if (x < 0 || x >= s) {
                    throw new IllegalArgumentException(tree.modality().label() + " token " + j + " = " + x
                            + " is outside 0.." + (s - 1));
                }
                java.util.Arrays.fill(logH[v], Double.NEGATIVE_INFINITY);
                logH[v][x] = 0;
                for (int a = 0; a < s; a++) {
                    logMu[v][a] = last[c][a][x];
                }
            }
        }
        combine(logH, logMu);
        return new UpwardMessages(logH, logMu);
    }

    /**
     * Batched upward pass: {@code log p(x_i | y)} for {@code n} examples stored row after row in {@code tokens}
     * ({@code [n * leaves]}), computed in parallel over examples; result {@code [n][S]}.
     */
    public double[][] logRootLikelihoods(int[] tokens, int n) {
        if (tokens.length < (long) n * leaves) {
            throw new IllegalArgumentException(n + " examples need " + (long) n * leaves + " tokens, got "
                    + tokens.length);
        }
        double[][] out = new double[n][];
        java.util.stream.IntStream.range(0, (n + 255) / 256).parallel().forEach(chunk -> {
            for (int i = chunk * 256; i < Math.min(n, chunk * 256 + 256); i++) {
                out[i] = upward(tokens, i * leaves).logH()[0];
            }
        });
        return out;
    }

    /** Upward pass with soft leaf evidence {@code logEvidence[i][b] = log lambda_i(b)}, {@code [leaves][S]}. */
    public UpwardMessages upwardSoft(double[][] logEvidence) {
        if (logEvidence.length != leaves) {
            throw new IllegalArgumentException("expected evidence for " + leaves + " leaves, got "
                    + logEvidence.length);
        }
        double[][] logH = new double[nodes()][s];
        double[][] logMu = new double[nodes()][s];
        int base = offset[depth];
        for (int j = 0; j < leaves; j++) {
            System.arraycopy(logEvidence[j], 0, logH[base + j], 0, s);
            messageUp(t[depth - 1][j % m], logH[base + j], logMu[base + j]);
        }
        combine(logH, logMu);
        return new UpwardMessages(logH, logMu);
    }

    private void combine(double[][] logH, double[][] logMu) {
        for (int d = depth - 1; d >= 0; d--) {
            int size = offset[d + 1] - offset[d];
            for (int j = 0; j < size; j++) {
                int u = offset[d] + j;
                double[] h = logH[u];
                java.util.Arrays.fill(h, 0);
                int first = offset[d + 1] + j * m;
                for (int c = 0; c < m; c++) {
                    double[] mu = logMu[first + c];
                    for (int a = 0; a < s; a++) {
                        h[a] += mu[a];
                    }
                }
                if (d > 0) {
                    messageUp(t[d - 1][j % m], h, logMu[u]);
                }
            }
        }
    }

    /** {@code out[a] = log sum_b T[a][b] exp(logH[b])}, max-shifted. */
    private void messageUp(double[][] tm, double[] logh, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logh) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
            return;
        }
        double[] e = new double[s];
        for (int b = 0; b < s; b++) {
            e[b] = Math.exp(logh[b] - max);
        }
        for (int a = 0; a < s; a++) {
            double[] row = tm[a];
            double acc = 0;
            for (int b = 0; b < s; b++) {
                acc += row[b] * e[b];
            }
            out[a] = max + Math.log(acc);
        }
    }

    /** {@code out[b] = log sum_a exp(outside[a]) T[a][b]}, max-shifted. */
    private void messageDown(double[][] tm, double[] outside, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : outside) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
            return;
        }
        double[] acc = new double[s];
        for (int a = 0; a < s; a++) {
            double w = Math.exp(outside[a] - max);
            if (w == 0) {
                continue;
            }
            double[] row = tm[a];
            for (int b = 0; b < s; b++) {
                acc[b] += w * row[b];
            }
        }
        for (int b = 0; b < s; b++) {
            out[b] = max + Math.log(acc[b]);
        }
    }

    /**
     * Downward pass: every leaf's posterior marginal given the upward evidence and a root factor.
     *
     * @param logRootFactor {@code log p(y) + log(outside message)}, {@code [S]}; {@code null} for the uniform prior
     * @return {@code [leaves][S]} probabilities
     */
    public double[][] leafMarginals(UpwardMessages up, double[] logRootFactor) {
        double[][] logH = up.logH();
        double[][] logMu = up.logMu();
        double[][] down = new double[nodes()][s];
        if (logRootFactor != null) {
            System.arraycopy(logRootFactor, 0, down[0], 0, s);
        }
        double[] outside = new double[s];
        for (int d = 0; d < depth; d++) {
            int size = offset[d + 1] - offset[d];
            for (int j = 0; j < size; j++) {
                int u = offset[d] + j;
                int first = offset[d + 1] + j * m;
                for (int c = 0; c < m; c++) {
                    siblingsOutside(down[u], logMu, first, c, outside);
                    messageDown(t[d][c], outside, down[first + c]);
                }
            }
        }
        double[][] out = new double[leaves][];
        double[] tmp = new double[s];
        for (int j = 0; j < leaves; j++) {
            int v = offset[depth] + j;
            for (int b = 0; b < s; b++) {
                tmp[b] = down[v][b] + logH[v][b];
            }
            out[j] = LogMath.normalize(tmp);
        }
        return out;
    }

    /**
     * The posterior marginal of one leaf (a root-to-leaf path of the downward pass, O(L m S^2)).
     *
     * @param logRootFactor as in {@link #leafMarginals}
     */
    public double[] leafMarginal(UpwardMessages up, double[] logRootFactor, int leaf) {
        double[][] logMu = up.logMu();
        double[] down = logRootFactor == null ? new double[s] : logRootFactor.clone();
        double[] outside = new double[s];
        int[] path = new int[depth + 1];
        path[depth] = leaf;
        for (int d = depth - 1; d >= 0; d--) {
            path[d] = path[d + 1] / m;
        }
        for (int d = 0; d < depth; d++) {
            int first = offset[d + 1] + path[d] * m;
            int c = path[d + 1] % m;
            siblingsOutside(down, logMu, first, c, outside);
            double[] next = new double[s];
            messageDown(t[d][c], outside, next);
            down = next;
        }
        double[] lh = up.logH()[offset[depth] + leaf];
        for (int b = 0; b < s; b++) {
            down[b] += lh[b];
        }
        return LogMath.normalize(down);
    }

    private void siblingsOutside(double[] downU, double[][] logMu, int first, int c, double[] outside) {
        System.arraycopy(downU, 0, outside, 0, s);
        for (int c2 = 0; c2 < m; c2++) {
            if (c2 != c) {
                double[] mu = logMu[first + c2];
                for (int a = 0; a < s; a++) {
                    outside[a] += mu[a];
                }
            }
        }
    }

    /**
     * Next-token posterior {@code P(x[t] = b | x[<t], root factor)}: leaves before {@code t} observed from
     * {@code tokens[off ..]}, the rest unobserved.
     */
    public double[] nextTokenPosterior(int[] tokens, int off, int t, double[] logRootFactor) {
        int[] prefix = new int[leaves];
        java.util.Arrays.fill(prefix, UNOBSERVED);
        System.arraycopy(tokens, off, prefix, 0, t);
        return leafMarginal(upward(prefix, 0), logRootFactor, t);
    }

    /**
     * {@code F = prod_l T[l][0]}, {@code [S][S]}: {@code F[y][b] = P(first leaf = b | root = y)} (the zero-shot
     * label's likelihood, paper sec. 4).
     */
    public double[][] firstLeafGivenRoot() {
        return leafGivenRoot(0);
    }

    /**
     * {@code F = prod_l T[l][c_l]} along the path from the root to leaf {@code leaf}, {@code c_l} the child position
     * taken at depth {@code l} (leaf {@code t}'s base-m digits, most significant first): {@code F[y][b] =
     * P(leaf = b | root = y)}, {@code [S][S]}.
     */
    public double[][] leafGivenRoot(int leaf) {
        if (leaf < 0 || leaf >= leaves) {
            throw new IllegalArgumentException("leaf " + leaf + " is outside 0.." + (leaves - 1));
        }
        double[][] f = new double[s][s];
        for (int a = 0; a < s; a++) {
            f[a][a] = 1;
        }
        int span = leaves;
        for (int l = 0; l < depth; l++) {
            span /= m;
            int c = (leaf / span) % m;
            double[][] g = new double[s][s];
            for (int a = 0; a < s; a++) {
                for (int k = 0; k < s; k++) {
                    double w = f[a][k];
                    for (int b = 0; b < s; b++) {
                        g[a][b] += w * t[l][c][k][b];
                    }
                }
            }
            f = g;
        }
        return f;
    }
}
