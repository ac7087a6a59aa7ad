package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;

/**
 * The transition matrices of one JGHM tree (paper sec. 1): {@code T[l][c][a][b] = P(child in position c at depth
 * l+1 takes value b | its parent has value a)}, {@code l = 0..depth-1} from the root down, shared by every node of a
 * layer. Nodes of a level are numbered breadth-first: the children of node {@code j} are {@code j*m + c}; the
 * {@code m^depth} leaves are the observed tokens in that order.
 * <p>
 * Immutable (arrays are copied in and out) and thread-safe. Construction validates shapes and that every row is a
 * probability distribution within {@link #ROW_TOLERANCE}, naming the offending layer/position/row otherwise.
 */
public final class TreeModel {
    /** Tolerance on row sums (and on negative entries) accepted by validation. */
    public static final double ROW_TOLERANCE = 1e-6;

    private final Modality modality;
    private final int states;
    private final int depth;
    private final int branching;
    private final double[][][][] t;

    /**
     * @param modality which tree (used in error messages)
     * @param states   S
     * @param depth    L >= 1
     * @param branching m >= 1
     * @param t        {@code [depth][branching][S][S]} row-stochastic matrices (copied)
     * @throws InvalidModelException naming the modality/layer/position/row at fault
     */
    public TreeModel(Modality modality, int states, int depth, int branching, double[][][][] t) {
        this.modality = modality;
        this.states = states;
        this.depth = depth;
        this.branching = branching;
        String who = modality.label();
        if (states < 1 || depth < 1 || branching < 1) {
            throw new InvalidModelException(who + ": need S >= 1, L >= 1, m >= 1, got S=" + states + ", L=" + depth
                    + ", m=" + branching);
        }
        if (Math.pow(branching, depth) > 1 << 24) {
            throw new InvalidModelException(who + ": m^L = " + branching + "^" + depth + " leaves is too many");
        }
        if (t == null || t.length != depth) {
            throw new InvalidModelException(who + ": expected " + depth + " layers, found "
                    + (t == null ? "none" : t.length));
        }
        this.t = new double[depth][branching][states][states];
        for (int l = 0; l < depth; l++) {
            if (t[l] == null || t[l].length != branching) {
                throw new InvalidModelException(who + ": layer " + l + " has " + (t[l] == null ? 0 : t[l].length)
                        + " child positions, expected m=" + branching);
            }
            for (int c = 0; c < branching; c++) {
                if (t[l][c] == null || t[l][c].length != states) {
                    throw new InvalidModelException(who + ": layer " + l + ", position " + c + " has "
                            + (t[l][c] == null ? 0 : t[l][c].length) + " rows, expected S=" + states);
                }
                for (int a = 0; a < states; a++) {
                    double[] row = t[l][c][a];
                    String where = who + ": layer " + l + ", position " + c + ", row " + a;
                    if (row == null || row.length != states) {
                        throw new InvalidModelException(where + " has " + (row == null ? 0 : row.length)
                                + " entries, expected S=" + states);
                    }
                    double sum = 0;
                    for (int b = 0; b < states; b++) {
                        double v = row[b];
                        if (!Double.isFinite(v) || v < -ROW_TOLERANCE) {
                            throw new InvalidModelException(where + " entry " + b + " = " + v
                                    + " is not a probability");
                        }
                        sum += v;
                    }
                    if (Math.abs(sum - 1) > ROW_TOLERANCE) {
                        throw new InvalidModelException(where + " sums to " + sum + ", not 1 (tolerance "
                                + ROW_TOLERANCE + ")");
                    }
                    for (int b = 0; b < states; b++) {
                        this.t[l][c][a][b] = Math.max(0, row[b]);
                    }
                }
            }
        }
    }

    public Modality modality() {
        return modality;
    }

    /** S. */
    public int states() {
        return states;
    }

    /** L, the number of layers below the root. */
    public int depth() {
        return depth;
    }

    /** m, the children per internal node. */
    public int branching() {
        return branching;
    }

    /** {@code m^L}, the number of observed tokens. */
    public int leaves() {
        return levelSize(depth);
    }

    /** {@code m^d}, the number of nodes at depth {@code d} (1 at the root). */
    public int levelSize(int d) {
        int n = 1;
        for (int i = 0; i < d; i++) {
            n *= branching;
        }
        return n;
    }

    /** Entry {@code T[l][c][a][b]}. */
    public double transition(int layer, int position, int from, int to) {
        return t[layer][position][from][to];
    }

    /** A copy of all matrices, {@code [L][m][S][S]}. */
    public double[][][][] matrices() {
        double[][][][] out = new double[depth][branching][states][];
        for (int l = 0; l < depth; l++) {
            for (int c = 0; c < branching; c++) {
                for (int a = 0; a < states; a++) {
                    out[l][c][a] = t[l][c][a].clone();
                }
            }
        }
        return out;
    }

    /** Largest absolute entry difference to another tree of the same shape (for consistency checks). */
    double maxAbsDifference(TreeModel o) {
        if (o.depth != depth || o.branching != branching || o.states != states) {
            return Double.POSITIVE_INFINITY;
        }
        double d = 0;
        for (int l = 0; l < depth; l++) {
            for (int c = 0; c < branching; c++) {
                for (int a = 0; a < states; a++) {
                    for (int b = 0; b < states; b++) {
                        d = Math.max(d, Math.abs(t[l][c][a][b] - o.t[l][c][a][b]));
                    }
                }
            }
        }
        return d;
    }

    /** Internal read-only view (no copy) for the sampler and BP in this package. */
    double[][][][] raw() {
        return t;
    }
}
