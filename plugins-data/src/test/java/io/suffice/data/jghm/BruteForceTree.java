package io.suffice.data.jghm;

import java.util.ArrayList;
import java.util.List;

/**
 * Test reference: enumerates every assignment of every node of one tiny JGHM tree (global breadth-first numbering,
 * root 0, children of u are u*m+1..u*m+m), independently of {@link BeliefPropagation}'s message passing.
 */
final class BruteForceTree {
    final TreeModel tree;
    final int s;
    final int m;
    final int nodes;
    final int leafOffset;
    final int leaves;
    /** configs.get(y): every assignment with root y, node values. */
    final List<List<int[]>> configs = new ArrayList<>();
    /** weights.get(y)[k] = prod of T over non-root nodes of config k. */
    final List<double[]> weights = new ArrayList<>();

    BruteForceTree(TreeModel tree) {
        this.tree = tree;
        this.s = tree.states();
        this.m = tree.branching();
        int n = 0;
        int off = 0;
        for (int d = 0; d <= tree.depth(); d++) {
            if (d == tree.depth()) {
                off = n;
            }
            n += tree.levelSize(d);
        }
        this.nodes = n;
        this.leafOffset = off;
        this.leaves = tree.leaves();
        int[] depthOf = new int[nodes];
        for (int u = 1; u < nodes; u++) {
            depthOf[u] = depthOf[(u - 1) / m] + 1;
        }
        for (int y = 0; y < s; y++) {
            List<int[]> list = new ArrayList<>();
            int total = (int) Math.pow(s, nodes - 1);
            double[] w = new double[total];
            for (int k = 0; k < total; k++) {
                int[] v = new int[nodes];
                v[0] = y;
                int code = k;
                for (int u = 1; u < nodes; u++) {
                    v[u] = code % s;
                    code /= s;
                }
                double p = 1;
                for (int u = 1; u < nodes; u++) {
                    p *= tree.transition(depthOf[u] - 1, (u - 1) % m, v[(u - 1) / m], v[u]);
                }
                list.add(v);
                w[k] = p;
            }
            configs.add(list);
            weights.add(w);
        }
    }

    int leaf(int[] config, int j) {
        return config[leafOffset + j];
    }

    /** p(leaves == x on the observed set | y), x[j] < 0 = unobserved. */
    double likelihood(int y, int[] x) {
        double acc = 0;
        List<int[]> list = configs.get(y);
        for (int k = 0; k < list.size(); k++) {
            if (matches(list.get(k), x)) {
                acc += weights.get(y)[k];
            }
        }
        return acc;
    }

    boolean matches(int[] config, int[] x) {
        for (int j = 0; j < leaves; j++) {
            if (x[j] >= 0 && leaf(config, j) != x[j]) {
                return false;
            }
        }
        return true;
    }

    /** sum over configs with root y of weight * prod_j lambda_j(leaf_j). */
    double softLikelihood(int y, double[][] lambda) {
        double acc = 0;
        List<int[]> list = configs.get(y);
        for (int k = 0; k < list.size(); k++) {
            double w = weights.get(y)[k];
            for (int j = 0; j < leaves; j++) {
                w *= lambda[j][leaf(list.get(k), j)];
            }
            acc += w;
        }
        return acc;
    }

    /** Leaf marginals given soft evidence and a root factor (not log). */
    double[][] leafMarginals(double[][] lambda, double[] rootFactor) {
        double[][] out = new double[leaves][s];
        double z = 0;
        for (int y = 0; y < s; y++) {
            List<int[]> list = configs.get(y);
            for (int k = 0; k < list.size(); k++) {
                double w = rootFactor[y] * weights.get(y)[k];
                for (int j = 0; j < leaves; j++) {
                    w *= lambda[j][leaf(list.get(k), j)];
                }
                z += w;
                for (int j = 0; j < leaves; j++) {
                    out[j][leaf(list.get(k), j)] += w;
                }
            }
        }
        for (double[] row : out) {
            for (int b = 0; b < s; b++) {
                row[b] /= z;
            }
        }
        return out;
    }

    /** P(leaf t = b | leaves < t as in x, root factor). */
    double[] nextToken(int[] x, int t, double[] rootFactor) {
        int[] prefix = new int[leaves];
        java.util.Arrays.fill(prefix, -1);
        System.arraycopy(x, 0, prefix, 0, t);
        double[] out = new double[s];
        double z = 0;
        for (int y = 0; y < s; y++) {
            List<int[]> list = configs.get(y);
            for (int k = 0; k < list.size(); k++) {
                if (matches(list.get(k), prefix)) {
                    double w = rootFactor[y] * weights.get(y)[k];
                    out[leaf(list.get(k), t)] += w;
                    z += w;
                }
            }
        }
        for (int b = 0; b < s; b++) {
            out[b] /= z;
        }
        return out;
    }

    /** Global index of the ancestor of leaf {@code j} at height {@code l} (l = 0: the leaf itself). */
    int ancestor(int j, int l) {
        int u = leafOffset + j;
        for (int i = 0; i < l; i++) {
            u = (u - 1) / m;
        }
        return u;
    }

    /**
     * Normalised {@code h_u(b) = p(leaves below u == x there | u = b)} for the ancestor {@code u} of leaf {@code t} at
     * height {@code l}, by enumeration: with the root uniform, {@code P(u = b, leaves below u) / P(u = b)} (the
     * subtree is independent of everything above given u).
     */
    double[] subtreeBelief(int l, int t, int[] x) {
        int u = ancestor(t, l);
        boolean[] below = new boolean[leaves];
        for (int j = 0; j < leaves; j++) {
            below[j] = ancestor(j, l) == u;
        }
        double[] joint = new double[s];
        double[] prior = new double[s];
        for (int y = 0; y < s; y++) {
            List<int[]> list = configs.get(y);
            for (int k = 0; k < list.size(); k++) {
                int[] v = list.get(k);
                double w = weights.get(y)[k] / s;
                prior[v[u]] += w;
                boolean ok = true;
                for (int j = 0; j < leaves && ok; j++) {
                    ok = !below[j] || leaf(v, j) == x[j];
                }
                if (ok) {
                    joint[v[u]] += w;
                }
            }
        }
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
