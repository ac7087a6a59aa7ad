package io.suffice.downstream;

import io.suffice.api.data.Batch;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.BatchSource;
import io.suffice.api.train.StepRandom;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.downstream.generative.Tensors;
import io.suffice.downstream.twolayer.Activation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Trains the two-layer network {@code f(x; W) = (1/m) sum_j a_j phi(w_j . x)} on the logistic loss, the experiment of
 * the large-stepsize paper (Cai, Wu, Mei, Lindsey, Bartlett, NeurIPS 2024), on the run's finite dataset (fields
 * {@code x} [n, d], {@code y} [n] in {-1, +1}) with the run's optimizer, through the training core
 * ({@link RunContext#trainer()}). The network and its risk are the float64 engine graph of {@link TwoLayerGraph};
 * {@code W} starts at {@code N(0, init-scale^2)} entries drawn from the run seed (the same draws as the plain-Java
 * implementation this replaced).
 * <p>
 * The objective of step {@code t} is the risk over all samples, or with {@code batch-size} b (0 &lt; b &lt; n) over b
 * rows drawn without replacement from {@link StepRandom} of (seed, step), so a resumed run sees the same minibatches.
 * At every step the core measures, at the parameters after {@code t} updates, the risk over all samples
 * ({@code risk}), {@code grad_norm} (the norm of the objective's gradient: of the minibatch risk when training on
 * minibatches), {@code param_norm} {@code ||W||_F}, {@code normalized_margin} {@code min_i y_i f(x_i)/||W||_F} and
 * {@code accuracy} (see {@link LogisticDiagnostics}); rows go to the metrics every {@code log-every} steps and at the
 * last, and every measurement feeds the {@link PhaseTransitionTracker}. A non-finite value stops the run with a
 * {@link io.suffice.api.train.TrainingDivergedException}. With {@code neuron-margins} every neuron's own normalized
 * margin {@code neuron_margin_j} is measured too, and with a dataset that has held-out examples
 * ({@link io.suffice.api.data.Dataset#heldOut()}) {@code test_accuracy} (see {@link TwoLayerGraph#build(int, int,
 * Activation, double[], int, DType, boolean, int)}). The summary holds the final diagnostics ({@code final_*}),
 * {@code phase_transition_step} (last risk increase), {@code risk_increases}, {@code steps_to_target} (-1 if never),
 * {@code normalized_margin_at_transition} and {@code max_risk}. {@code run.export: [onnx]} writes {@code two-layer}:
 * {@code x -> f(x)}. {@code precision: float32} builds the same graph in float32 with ONNX Runtime's float32 kernels
 * for softplus, sigmoid and erf: only for the benchmark workloads, which time the step of the float32 PyTorch peer.
 */
public final class TwoLayerGd implements DownstreamTask {
    /** The {@link StepRandom} stream of the minibatch draws. */
    static final long BATCH_STREAM = 1;

    private final TwoLayerGdSettings settings;

    public TwoLayerGd(TwoLayerGdSettings settings) {
        this.settings = settings;
    }

    @Override
    public TaskResult run(RunContext context) {
        LabelledPoints points = LabelledPoints.of(context.dataset().all(), "two-layer-gd");
        double[] x = points.x();
        double[] y = points.y();
        int n = points.n();
        int d = points.d();
        if (settings.batchSize() > n) {
            throw new IllegalArgumentException("batch-size " + settings.batchSize() + " exceeds the " + n
                    + " samples");
        }
        Activation phi = Activation.of(settings.activation(), settings.leakiness(), settings.huber());
        boolean minibatch = settings.batchSize() > 0 && settings.batchSize() < n;
        DType dtype = settings.precision().equals(TwoLayerGdSettings.FLOAT32) ? DType.FLOAT32 : DType.FLOAT64;
        Batch heldOut = context.dataset().heldOut().orElse(null);
        TwoLayerGraph net = TwoLayerGraph.build(d, settings.width(), phi,
                initialWeights(context.seed(), settings.width(), d, settings.initScale()),
                minibatch ? settings.batchSize() : 0, dtype, settings.neuronMargins(), heldOut == null ? 0 : heldOut.size());

        PhaseTransitionTracker tracker = new PhaseTransitionTracker(settings.targetRisk());
        TrainingPlan.Builder plan = TrainingPlan.builder("two-layer-gd", net.graph, net.objective, net.store,
                        context.optimizer(), withHeldOut(batches(context.seed(), x, y, n, d, minibatch ? settings.batchSize() : 0, dtype),
                                heldOut, dtype),
                        settings.steps())
                .loss(net.risk)
                .lossName(LogisticDiagnostics.RISK)
                .gradientMetrics(LogisticDiagnostics.gradNorm())
                .inputs(net.inputs())
                .logEvery(settings.logEvery())
                .listener("phase-transition", tracker)
                .export("two-layer", new TrainingPlan.Export(List.of(net.x), Map.of("f", net.output)));
        net.metrics.forEach(plan::metric);
        TrainingResult result = context.trainer().fit(plan.build());
        return new TaskResult(summary(result, net.metrics.keySet(), tracker));
    }

    /**
     * {@code W} with {@code N(0, scale^2)} entries, row-major, drawn as the plain-Java task drew them (a generator
     * seeded with the run seed, split once for its former minibatch stream, then one Gaussian per entry), so runs
     * of a seed start where they always started.
     */
    static double[] initialWeights(long seed, int m, int d, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        rng.split();
        double[] w = new double[m * d];
        for (int k = 0; k < w.length; k++) {
            w[k] = scale * rng.nextGaussian();
        }
        return w;
    }

    /**
     * The inputs of step {@code t}: all of x and y (the same tensors every step) and, with {@code batchSize > 0},
     * the rows of the step's minibatch: the first {@code batchSize} entries of a Fisher-Yates shuffle of
     * {@code 0..n-1} driven by {@link StepRandom#of}(seed, {@link #BATCH_STREAM}, t).
     */
    static BatchSource batches(long seed, double[] x, double[] y, int n, int d, int batchSize, DType dtype) {
        HostTensor xs = Tensors.asFloat(HostTensor.of(x, n, d), dtype);
        HostTensor ys = Tensors.asFloat(HostTensor.of(y, n), dtype);
        if (batchSize == 0) {
            Map<String, HostTensor> all = Map.of(TwoLayerGraph.X, xs, TwoLayerGraph.Y, ys);
            return step -> all;
        }
        HostTensor rows = HostTensor.zeros(DType.INT64, Shape.of(batchSize));
        int[] perm = new int[n];
        return step -> {
            drawBatch(perm, rows, StepRandom.of(seed, BATCH_STREAM, step));
            return Map.of(TwoLayerGraph.X, xs, TwoLayerGraph.Y, ys, TwoLayerGraph.BATCH, rows);
        };
    }

    /**
     * {@code source}'s inputs plus, when {@code heldOut} is not null, its {@code x}, {@code y} as
     * {@value TwoLayerGraph#X_TEST}, {@value TwoLayerGraph#Y_TEST} (the same tensors every step).
     */
    static BatchSource withHeldOut(BatchSource source, Batch heldOut, DType dtype) {
        if (heldOut == null) {
            return source;
        }
        HostTensor xt = Tensors.asFloat(heldOut.get("x"), dtype);
        HostTensor yt = Tensors.asFloat(heldOut.get("y"), dtype);
        return step -> {
            Map<String, HostTensor> in = new LinkedHashMap<>(source.batch(step));
            in.put(TwoLayerGraph.X_TEST, xt);
            in.put(TwoLayerGraph.Y_TEST, yt);
            return in;
        };
    }

    /** Partial Fisher-Yates on the identity: {@code rows} gets the first entries of a fresh shuffle. */
    static void drawBatch(int[] perm, HostTensor rows, SplittableRandom rng) {
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < rows.size(); i++) {
            int j = i + rng.nextInt(perm.length - i);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            rows.longs().put(i, perm[i]);
        }
    }

    /**
     * The summary of a large-stepsize run: the final value of each diagnostic ({@code final_*}: the logistic
     * diagnostics, then the model's own metrics) and the phase-transition figures.
     */
    static Map<String, Double> summary(TrainingResult result, Set<String> metrics,
                                       PhaseTransitionTracker tracker) {
        Map<String, Double> summary = new LinkedHashMap<>();
        List<String> reported = new ArrayList<>(LogisticDiagnostics.COLUMNS);
        metrics.stream().filter(k -> !reported.contains(k)).forEach(reported::add);
        for (String k : reported) {
            summary.put("final_" + k, last(result, k));
        }
        tracker.putSummary(summary);
        return summary;
    }

    /** The value of {@code name} measured after the last update. */
    static double last(TrainingResult result, String name) {
        Double v = result.last().get(name);
        if (v == null) {
            throw new IllegalStateException("the training core reported no final '" + name + "'; have "
                    + result.last().keySet());
        }
        return v;
    }
}
