package io.suffice.downstream;

import io.suffice.api.data.Batch;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.downstream.twolayer.Activation;


/**
 * Trains the L-layer perceptron of {@link MlpGraph} (all layers) on the logistic loss with the run's optimizer,
 * full batch, through the training core: the large-stepsize paper's Fig. 1 beyond two layers (a four-layer GELU
 * MLP, large against small stepsize). Data: the run's finite dataset ({@code x} [n, d], {@code y} in {-1, +1}), and
 * its held-out examples when it has them ({@link io.suffice.api.data.Dataset#heldOut()}: the metric
 * {@code test_accuracy}). Every step measures {@code risk}, {@code grad_norm}, {@code param_norm},
 * {@code normalized_margin} ({@code min_i y_i f(x_i) / ||W||^L}), {@code accuracy} (and {@code test_accuracy}); the
 * summary holds their final values ({@code final_*}) and the {@link PhaseTransitionTracker} figures as
 * {@link TwoLayerGd} reports them.
 */
public final class MlpGd implements DownstreamTask {
    private final MlpGdSettings settings;

    public MlpGd(MlpGdSettings settings) {
        this.settings = settings;
    }

    @Override
    public TaskResult run(RunContext context) {
        LabelledPoints points = LabelledPoints.of(context.dataset().all(), "mlp-gd");
        double[] x = points.x();
        double[] y = points.y();
        int n = points.n();
        int d = points.d();
        Activation phi = Activation.of(settings.activation(), settings.leakiness(), 1.0);
        Batch heldOut = context.dataset().heldOut().orElse(null);
        MlpGraph net = MlpGraph.build(d, settings.width(), settings.layers(), phi, settings.initScale(),
                context.seed(), heldOut == null ? 0 : heldOut.size());
        PhaseTransitionTracker tracker = new PhaseTransitionTracker(settings.targetRisk());
        TrainingPlan.Builder plan = TrainingPlan.builder("mlp-gd", net.graph, net.risk, net.store,
                        context.optimizer(), TwoLayerGd.withHeldOut(
                                TwoLayerGd.batches(context.seed(), x, y, n, d, 0, DType.FLOAT64), heldOut,
                                DType.FLOAT64),
                        settings.steps())
                .loss(net.risk)
                .lossName(LogisticDiagnostics.RISK)
                .gradientMetrics(LogisticDiagnostics.gradNorm())
                .inputs(net.inputs())
                .logEvery(settings.logEvery())
                .listener("phase-transition", tracker);
        net.metrics.forEach(plan::metric);
        TrainingResult result = context.trainer().fit(plan.build());
        return new TaskResult(TwoLayerGd.summary(result, net.metrics.keySet(), tracker));
    }
}
