package io.suffice.downstream.probe;

import java.util.Arrays;

/**
 * A multinomial logistic-regression probe on frozen features: logits {@code z = W x + b} ({@code W}: C x d), loss
 * {@code (1/n) sum_i [logsumexp(z_i) - z_i[y_i]] + (lambda/2) ||W||_F^2} (the bias is not penalised). The loss is
 * convex; {@link #fit} minimises it by full-batch gradient descent with Armijo backtracking, so no stepsize needs
 * tuning. Used for the sufficiency proxy (predict the JGHM root from an embedding; the probe's cross-entropy minus the
 * BP root cross-entropy bounds the information the embedding lost) and for linear-probe baselines.
 * <p>
 * Immutable; a fitted probe is thread-safe.
 */
public final class SoftmaxProbe {
    private final int classes;
    private final int dim;
    /** Row-major C x (d + 1): the last column is the bias. */
    private final double[] theta;

    private SoftmaxProbe(int classes, int dim, double[] theta) {
        this.classes = classes;
        this.dim = dim;
        this.theta = theta;
    }

    /**
     * Fits a probe.
     *
     * @param x        features, n rows of d
     * @param y        labels in [0, classes)
     * @param classes  number of classes C
     * @param lambda   L2 penalty on W, at least 0
     * @param maxSteps gradient steps at most
     * @param tol      stop when the gradient norm falls below this
     */
    public static SoftmaxProbe fit(double[][] x, int[] y, int classes, double lambda, int maxSteps, double tol) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need as many labels as feature rows (got " + x.length + " rows, "
                    + y.length + " labels)");
        }
        int d = x[0].length;
        for (int label : y) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
            }
        }
        double[] theta = new double[classes * (d + 1)];
        double[] grad = new double[theta.length];
        double loss = lossAndGradient(theta, x, y, classes, lambda, grad);
        double step = 1.0;
        for (int t = 0; t < maxSteps && norm(grad) > tol; t++) {
            double g2 = dot(grad, grad);
            double[] trial = new double[theta.length];
            double[] trialGrad = new double[theta.length];
            double trialLoss;
            step *= 2;
            while (true) {
                for (int i = 0; i < theta.length; i++) {
                    trial[i] = theta[i] - step * grad[i];
                }
                trialLoss = lossAndGradient(trial, x, y, classes, lambda, trialGrad);
                if (trialLoss <= loss - 0.5 * step * g2 || step < 1e-12) {
                    break;
                }
                step /= 2;
            }
            theta = trial;
            grad = trialGrad;
            loss = trialLoss;
        }
        return new SoftmaxProbe(classes, d, theta);
    }

    /** Class log-probabilities for one feature vector. */
    public double[] logProbabilities(double[] x) {
        double[] z = new double[classes];
        logits(theta, x, classes, dim, z);
        double lse = logSumExp(z);
        for (int c = 0; c < classes; c++) {
            z[c] -= lse;
        }
        return z;
    }

    /** Mean cross-entropy (nats) of the probe on labelled features, without the penalty. */
    public double crossEntropy(double[][] x, int[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum -= logProbabilities(x[i])[y[i]];
        }
        return sum / x.length;
    }

    /** Fraction of rows whose most probable class is the label. */
    public double accuracy(double[][] x, int[] y) {
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            double[] lp = logProbabilities(x[i]);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (lp[c] > lp[best]) {
                    best = c;
                }
            }
            right += best == y[i] ? 1 : 0;
        }
        return (double) right / x.length;
    }

    /** The parameters, C x (d + 1) row-major with the bias last (a copy). */
    public double[] parameters() {
        return theta.clone();
    }

    /** Penalised mean loss at {@code theta}; writes its gradient into {@code grad}. */
    static double lossAndGradient(double[] theta, double[][] x, int[] y, int classes, double lambda,
                                  double[] grad) {
        int d = x[0].length;
        Arrays.fill(grad, 0);
        double[] z = new double[classes];
        double loss = 0;
        int n = x.length;
        for (int i = 0; i < n; i++) {
            logits(theta, x[i], classes, d, z);
            double lse = logSumExp(z);
            loss += lse - z[y[i]];
            for (int c = 0; c < classes; c++) {
                double r = (Math.exp(z[c] - lse) - (c == y[i] ? 1 : 0)) / n;
                int row = c * (d + 1);
                for (int j = 0; j < d; j++) {
                    grad[row + j] += r * x[i][j];
                }
                grad[row + d] += r;
            }
        }
        loss /= n;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < d; j++) {
                int k = c * (d + 1) + j;
                loss += 0.5 * lambda * theta[k] * theta[k];
                grad[k] += lambda * theta[k];
            }
        }
        return loss;
    }

    private static void logits(double[] theta, double[] x, int classes, int d, double[] z) {
        for (int c = 0; c < classes; c++) {
            int row = c * (d + 1);
            double s = theta[row + d];
            for (int j = 0; j < d; j++) {
                s += theta[row + j] * x[j];
            }
            z[c] = s;
        }
    }

    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : z) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
