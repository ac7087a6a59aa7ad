package io.suffice.downstream;

import io.suffice.api.data.Batch;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary logistic regression trained full batch by the run's optimizer on the run's (finite) dataset, through the
 * training core ({@link RunContext#trainer()}): the linear model, the degenerate case of the large-stepsize papers
 * (Wu, Bartlett, Telgarsky, Yu, COLT 2024). Model {@code f(x) = w . x}, {@code w} ({@value #WEIGHTS}, [d]) starting at
 * 0, empirical risk {@code L(w) = (1/n) sum_i softplus(-y_i f(x_i))}, whose gradient autodiff forms as
 * {@code -(1/n) sum_i y_i sigmoid(-y_i f(x_i)) x_i}; all in float64 ({@link LogisticDiagnostics}, accurate down to
 * risks of 1e-300). Reads fields {@code x} [n, d] and {@code y} [n] (labels +-1). Every step is measured (risk,
 * {@code grad_norm}, {@code param_norm} {@code ||w||}, {@code normalized_margin} {@code min_i y_i f(x_i) / ||w||},
 * {@code accuracy}) and fed to a {@link PhaseTransitionTracker}; a row is logged every {@code log-every} steps and at
 * the last; a non-finite value stops the run with a {@link io.suffice.api.train.TrainingDivergedException}. The
 * summary holds the final diagnostics (without a {@code final_} prefix), {@code phase_transition_step},
 * {@code risk_increases} and {@code steps_to_target}. {@code run.export: [onnx]} writes {@code logistic-regression}:
 * {@code x -> f(x)}.
 */
public final class LogisticRegression implements DownstreamTask {
    static final String WEIGHTS = "w";

    private final long steps;
    private final long logEvery;
    private final double targetRisk;

    public LogisticRegression(long steps, long logEvery, double targetRisk) {
        this.steps = steps;
        this.logEvery = logEvery;
        this.targetRisk = targetRisk;
    }

    @Override
    public TaskResult run(RunContext context) {
        Batch data = context.dataset().all();
        double[] x = data.get("x").toDoubleArray();
        double[] y = data.get("y").toDoubleArray();
        int n = y.length;
        int d = x.length / n;

        Model model = Model.build(d);
        Map<String, HostTensor> all = Map.of(TwoLayerGraph.X, HostTensor.of(x, n, d), TwoLayerGraph.Y,
                HostTensor.of(y, n));
        PhaseTransitionTracker tracker = new PhaseTransitionTracker(targetRisk);
        TrainingPlan.Builder plan = TrainingPlan.builder("logistic-regression", model.graph(), model.risk(),
                        ParameterStore.of(model.graph()), context.optimizer(), step -> all, steps)
                .lossName(LogisticDiagnostics.RISK)
                .gradientMetrics(LogisticDiagnostics.gradNorm())
                .inputs(List.of(model.x(), model.y()))
                .logEvery(logEvery)
                .listener("phase-transition", tracker)
                .export("logistic-regression", new TrainingPlan.Export(List.of(model.x()), Map.of("f", model.f())));
        model.metrics().forEach(plan::metric);
        TrainingResult result = context.trainer().fit(plan.build());
        Map<String, Double> summary = new LinkedHashMap<>();
        for (String k : LogisticDiagnostics.COLUMNS) {
            summary.put(k, TwoLayerGd.last(result, k));
        }
        summary.put("phase_transition_step", (double) tracker.phaseTransitionStep());
        summary.put("risk_increases", (double) tracker.riskIncreases());
        summary.put("steps_to_target", (double) tracker.stepsToTarget());
        return new TaskResult(summary);
    }

    /**
     * The linear model's graph: inputs {@code x} [n, d] and {@code y} [n], parameter {@code w} [d] (zeros), output
     * {@code f = x w}, the risk and the metrics {@code param_norm}, {@code normalized_margin}, {@code accuracy}.
     */
    record Model(Graph graph, Value x, Value y, Value w, Value f, Value risk, Map<String, Value> metrics) {
        static Model build(int d) {
            Graph g = new Graph(0);
            Value xs = g.input(TwoLayerGraph.X, DType.FLOAT64, Shape.DYNAMIC, d);
            Value ys = g.input(TwoLayerGraph.Y, DType.FLOAT64, Shape.DYNAMIC);
            Value w = g.parameter(WEIGHTS, DType.FLOAT64, Shape.of(d), Init.zeros());
            Value f = g.reshape(g.matMul(xs, g.reshape(w, d, 1)), -1);
            Value margins = LogisticDiagnostics.margins(g, f, ys);
            Value norm = LogisticDiagnostics.norm(g, List.of(w));
            Map<String, Value> metrics = new LinkedHashMap<>();
            metrics.put(LogisticDiagnostics.PARAM_NORM, norm);
            metrics.put(LogisticDiagnostics.NORMALIZED_MARGIN, LogisticDiagnostics.normalizedMargin(g, margins, norm));
            metrics.put(LogisticDiagnostics.ACCURACY, LogisticDiagnostics.accuracy(g, margins));
            return new Model(g, xs, ys, w, f, LogisticDiagnostics.risk(g, margins), metrics);
        }
    }
}
