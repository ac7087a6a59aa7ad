package io.suffice.data.jghm;

/**
 * Test reference for trees too large for {@link BruteForceTree}'s enumeration of every node: enumerates every
 * assignment of the root and the hidden internal nodes (global breadth-first numbering, root 0, children of u are
 * u*m+1..u*m+m) and sums each leaf out given its parent, {@code sum_b T[L-1][c][parent, b] lambda_j(b)}, which is
 * exact because the leaves are conditionally independent given their parents. Nothing here passes messages, so it is
 * independent of {@link BeliefPropagation}. A depth-4 binary tree with 2 states has 14 hidden internal nodes: 2^15
 * root-and-internal assignments instead of the 2^31 of a full enumeration.
 */
final class LatentEnumeration {
    final TreeModel tree;
    final int s;
    final int m;
    final int depth;
    final int leaves;
    final int leafOffset;
    /** Number of hidden internal nodes (not the root, not the leaves). */
    private final int hidden;
    private final int[] layerOf;

    LatentEnumeration(TreeModel tree) {
        this.tree = tree;
        this.s = tree.states();
        this.m = tree.branching();
        this.depth = tree.depth();
        this.leaves = tree.leaves();
        int off = 0;
        for (int d = 0; d < depth; d++) {
            off += tree.levelSize(d);
        }
        this.leafOffset = off;
        this.hidden = off - 1;
        this.layerOf = new int[off + leaves];
        for (int u = 1; u < layerOf.length; u++) {
            layerOf[u] = layerOf[(u - 1) / m] + 1;
        }
        if (Math.pow(s, hidden + 1) > 1 << 22) {
            throw new IllegalArgumentException("too many hidden configurations for " + tree.depth() + "/" + m);
        }
    }

    /** Visitor of one root-and-hidden assignment with its prior weight {@code prod T} over hidden nodes. */
    private interface Visit {
        void accept(int[] v, double weight);
    }

    /** Calls {@code visit} for every assignment of root and hidden nodes ({@code v[u]} for u < leafOffset). */
    private void forEach(Visit visit) {
        int[] v = new int[leafOffset];
        int total = (int) Math.pow(s, hidden);
        for (int y = 0; y < s; y++) {
            v[0] = y;
            for (int k = 0; k < total; k++) {
                int code = k;
                double w = 1;
                for (int u = 1; u < leafOffset; u++) {
                    v[u] = code % s;
                    code /= s;
                    w *= tree.transition(layerOf[u] - 1, (u - 1) % m, v[(u - 1) / m], v[u]);
                }
                visit.accept(v, w);
            }
        }
    }

    /** {@code sum_b T[L-1][c][parent, b] e(b)} for leaf j given the hidden assignment. */
    private double leafFactor(int[] v, int j, double[] e) {
        int u = leafOffset + j;
        int parent = v[(u - 1) / m];
        int c = (u - 1) % m;
        double acc = 0;
        for (int b = 0; b < s; b++) {
            acc += tree.transition(depth - 1, c, parent, b) * e[b];
        }
        return acc;
    }

    /** Evidence vectors of hard observations: an indicator, or all ones for an unobserved ({@code < 0}) leaf. */
    double[][] hard(int[] x) {
        double[][] e = new double[leaves][s];
        for (int j = 0; j < leaves; j++) {
            for (int b = 0; b < s; b++) {
                e[j][b] = x[j] < 0 || x[j] == b ? 1 : 0;
            }
        }
        return e;
    }

    /** {@code p(leaves | root = y)} weighted by soft evidence: {@code sum over hidden of prod T prod_j leaf factor}. */
    double[] softLikelihood(double[][] lambda) {
        double[] out = new double[s];
        forEach((v, w) -> {
            double p = w;
            for (int j = 0; j < leaves; j++) {
                p *= leafFactor(v, j, lambda[j]);
            }
            out[v[0]] += p;
        });
        return out;
    }

    /** {@code p(observed leaves == x | root = y)}, x[j] < 0 = unobserved. */
    double[] likelihood(int[] x) {
        return softLikelihood(hard(x));
    }

    /** Every leaf's posterior marginal given soft evidence and a root factor (not log), {@code [leaves][S]}. */
    double[][] leafMarginals(double[][] lambda, double[] rootFactor) {
        double[][] out = new double[leaves][s];
        double[] factors = new double[leaves];
        double[] before = new double[leaves + 1];
        double[] after = new double[leaves + 1];
        double[] z = {0};
        forEach((v, w) -> {
            for (int j = 0; j < leaves; j++) {
                factors[j] = leafFactor(v, j, lambda[j]);
            }
            // products of the other leaves' factors, from the left and from the right
            before[0] = rootFactor[v[0]] * w;
            for (int j = 0; j < leaves; j++) {
                before[j + 1] = before[j] * factors[j];
            }
            after[leaves] = 1;
            for (int j = leaves - 1; j >= 0; j--) {
                after[j] = after[j + 1] * factors[j];
            }
            z[0] += before[leaves];
            for (int j = 0; j < leaves; j++) {
                double others = before[j] * after[j + 1];
                int u = leafOffset + j;
                for (int b = 0; b < s; b++) {
                    out[j][b] += others * tree.transition(depth - 1, (u - 1) % m, v[(u - 1) / m], b) * lambda[j][b];
                }
            }
        });
        for (double[] row : out) {
            for (int b = 0; b < s; b++) {
                row[b] /= z[0];
            }
        }
        return out;
    }

    /** {@code P(leaf t = b | leaves before t as in x, root factor)}. */
    double[] nextToken(int[] x, int t, double[] rootFactor) {
        int[] prefix = new int[leaves];
        java.util.Arrays.fill(prefix, -1);
        System.arraycopy(x, 0, prefix, 0, t);
        return leafMarginals(hard(prefix), rootFactor)[t];
    }

    /** Global index of the ancestor of leaf {@code j} at height {@code l} (l = depth: the root). */
    int ancestor(int j, int l) {
        int u = leafOffset + j;
        for (int i = 0; i < l; i++) {
            u = (u - 1) / m;
        }
        return u;
    }

    /**
     * Normalised {@code h_u(b) = p(leaves below u == x there | u = b)} for the ancestor u of leaf t at height
     * {@code l >= 1}, as {@code P(u = b, leaves below u) / P(u = b)} with a uniform root.
     */
    double[] subtreeBelief(int l, int t, int[] x) {
        return nodeBelief(ancestor(t, l), l, x);
    }

    /** {@link #subtreeBelief} of node {@code u} at height {@code l}, cached for the last evidence seen. */
    double[] nodeBelief(int u, int l, int[] x) {
        if (!java.util.Arrays.equals(x, cachedEvidence)) {
            cache.clear();
            cachedEvidence = x.clone();
        }
        return cache.computeIfAbsent(u, k -> computeNodeBelief(u, l, x)).clone();
    }

    private final java.util.Map<Integer, double[]> cache = new java.util.HashMap<>();
    private int[] cachedEvidence;

    private double[] computeNodeBelief(int u, int l, int[] x) {
        double[][] observed = hard(x);
        double[][] free = hard(new int[leaves]);
        for (double[] row : free) {
            java.util.Arrays.fill(row, 1);
        }
        boolean[] below = new boolean[leaves];
        for (int j = 0; j < leaves; j++) {
            below[j] = ancestor(j, l) == u;
        }
        double[] joint = new double[s];
        double[] prior = new double[s];
        forEach((v, w) -> {
            double pj = w / s;
            double pp = w / s;
            for (int j = 0; j < leaves; j++) {
                pj *= leafFactor(v, j, below[j] ? observed[j] : free[j]);
                pp *= leafFactor(v, j, free[j]);
            }
            joint[v[u]] += pj;
            prior[v[u]] += pp;
        });
        double[] h = new double[s];
        double z = 0;
        for (int b = 0; b < s; b++) {
            h[b] = joint[b] / prior[b];
            z += h[b];
        }
        for (int b = 0; b < s; b++) {
            h[b] /= z;
        }
        return h;
    }
}
