package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The compiled training step, the only one in suffice: one ONNX model whose inputs are the parameters and the batch
 * and whose outputs are the objective, the reported scalars and the gradient of every trained parameter (or, in
 * fused-GD mode, the updated parameters). Parameters are read zero-copy from the {@link ParameterStore}; gradients
 * land in buffers owned by the session and are handed to the {@link Optimizer}, which updates the store in place.
 * Not thread-safe; closing it closes its session.
 */
public final class TrainStep implements AutoCloseable {
    /** Output name of the loss of the plain compile methods. */
    public static final String LOSS = "loss";
    private static final String OBJECTIVE = "objective:";
    private static final String VALUE = "value:";
    private static final String GRAD = "grad:";
    private static final String NEXT = "next:";

    private final Executable exec;
    private final ParameterStore store;
    private final List<String> params;
    private final List<HostTensor> trainableTensors;
    private final List<String> values;
    private final String lossName;
    private final boolean separateObjective;
    private final Map<String, HostTensor> feeds = new LinkedHashMap<>();
    private final double fusedStepsize;
    private final List<HostTensor> grads = new ArrayList<>();
    private final List<String> batchInputs;

    /**
     * What one step produced. {@code gradients} are owned by the step and overwritten by the next call.
     *
     * @param objective the differentiated scalar at the parameters before the update
     * @param loss      the reported loss (equal to the objective unless the plan separates them)
     * @param metrics   the other reported scalars by name (metrics, then gradient metrics)
     * @param gradients gradient per trainable parameter in store order (empty in fused-GD mode)
     */
    public record Result(double objective, double loss, Map<String, Double> metrics, List<HostTensor> gradients) {
    }

    private TrainStep(Executable exec, ParameterStore store, List<String> trainable, String lossName,
                      List<String> values, boolean separateObjective, double fusedStepsize) {
        this.exec = exec;
        this.store = store;
        this.params = trainable;
        this.trainableTensors = trainable.stream().map(store::get).toList();
        this.lossName = lossName;
        this.values = values;
        this.separateObjective = separateObjective;
        this.fusedStepsize = fusedStepsize;
        this.batchInputs = exec.inputNames().stream().filter(n -> !store.asMap().containsKey(n)).toList();
    }

    /** Names of the trained parameters, in store order (the order of gradients and of the optimizer's lists). */
    public List<String> trainable() {
        return params;
    }

    /** The live tensors of the trained parameters, in {@link #trainable()} order. */
    public List<HostTensor> trainableTensors() {
        return trainableTensors;
    }

    /** Batch fields this step reads (graph inputs the outputs depend on). */
    public List<String> batchInputs() {
        return batchInputs;
    }

    /** The step of a {@link TrainingPlan}: its objective, loss, metrics and gradient metrics, frozen parameters fed. */
    public static TrainStep of(Executor executor, Autodiff autodiff, TrainingPlan plan) {
        return build(executor, autodiff, plan.objective(), plan.loss(), plan.lossName(), plan.metrics(),
                plan.gradientMetrics(), plan.store(), n -> !plan.frozen().contains(n), Double.NaN);
    }

    /**
     * Differentiates {@code loss} with respect to every parameter in {@code store} and compiles the step.
     *
     * @param metrics extra scalar outputs by name (accuracy, margins), computed in the same run
     */
    public static TrainStep compile(Executor executor, Autodiff autodiff, Value loss, Map<String, Value> metrics,
                                    ParameterStore store) {
        return build(executor, autodiff, loss, loss, LOSS, metrics, null, store, n -> true, Double.NaN);
    }

    /**
     * Like {@link #compile} but only the parameters accepted by {@code trainable} get gradients and are passed to the
     * optimizer; the others are fed as frozen values (a pretrained encoder under a trained head).
     */
    public static TrainStep compile(Executor executor, Autodiff autodiff, Value loss, Map<String, Value> metrics,
                                    ParameterStore store, Predicate<String> trainable) {
        return build(executor, autodiff, loss, loss, LOSS, metrics, null, store, trainable, Double.NaN);
    }

    /**
     * Like {@link #compile} but with gradient descent fused into the model: it outputs {@code p - stepsize * grad}
     * for each parameter, which is copied back into the store after the run, so no gradient leaves ONNX Runtime.
     */
    public static TrainStep compileFusedGd(Executor executor, Autodiff autodiff, Value loss,
                                           Map<String, Value> metrics, ParameterStore store, double stepsize) {
        return build(executor, autodiff, loss, loss, LOSS, metrics, null, store, n -> true, stepsize);
    }

    private static TrainStep build(Executor executor, Autodiff autodiff, Value objective, Value loss,
                                   String lossName, Map<String, Value> metrics,
                                   TrainingPlan.GradientMetrics gradientMetrics, ParameterStore store,
                                   Predicate<String> trainable, double eta) {
        Graph g = objective.graph();
        List<Value> all = new ArrayList<>();
        List<Value> params = new ArrayList<>();
        for (String name : store.names()) {
            Value p = g.find(name);
            if (p == null || p.kind() != Value.Kind.PARAMETER) {
                throw new IllegalArgumentException("store parameter '" + name + "' is not a parameter of the graph");
            }
            all.add(p);
            if (trainable.test(name)) {
                params.add(p);
            }
        }
        List<Value> gs = autodiff.gradients(objective, params);
        Map<String, Value> reported = new LinkedHashMap<>(metrics);
        if (gradientMetrics != null) {
            Map<String, Value> byName = new LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                byName.put(params.get(i).name(), gs.get(i));
            }
            gradientMetrics.of(g, byName).forEach((k, v) -> {
                if (reported.put(k, v) != null || k.equals(lossName)) {
                    throw new IllegalArgumentException("gradient metric '" + k + "' repeats a reported name");
                }
            });
        }
        reported.forEach((k, v) -> {
            if (v.rank() != 0 || v.dtype() == DType.BOOL) {
                throw new IllegalArgumentException("metric '" + k + "' must be a numeric scalar, got " + v);
            }
        });
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put(VALUE + lossName, loss);
        boolean separate = objective != loss;
        if (separate) {
            outs.put(OBJECTIVE, objective);
        }
        reported.forEach((k, v) -> outs.put(VALUE + k, v));
        for (int i = 0; i < params.size(); i++) {
            Value p = params.get(i);
            if (Double.isNaN(eta)) {
                outs.put(GRAD + p.name(), gs.get(i));
            } else {
                outs.put(NEXT + p.name(), g.sub(p, g.mul(gs.get(i), g.scalar(eta, p.dtype()))));
            }
        }
        List<Value> inputs = new ArrayList<>(all);
        // only the batch fields the outputs read are inputs; others in a batch are ignored
        inputs.addAll(OnnxLowering.inputsNeeded(outs.values()));
        Executable exec = executor.compile(g, inputs, outs);
        return new TrainStep(exec, store, params.stream().map(Value::name).toList(), lossName,
                List.copyOf(reported.keySet()), separate, eta);
    }

    /**
     * Runs forward and backward on {@code batch} (graph inputs by name; fields the step does not read are ignored)
     * without updating anything.
     */
    public Result run(Map<String, HostTensor> batch) {
        feeds.clear();
        feeds.putAll(store.asMap());
        for (String name : batchInputs) {
            HostTensor t = batch.get(name);
            if (t != null) { // a missing field is reported by the executable, naming it
                feeds.put(name, t);
            }
        }
        Map<String, HostTensor> out = exec.run(feeds);
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : values) {
            m.put(k, scalar(out.get(VALUE + k)));
        }
        grads.clear();
        if (Double.isNaN(fusedStepsize)) {
            for (String p : params) {
                grads.add(out.get(GRAD + p));
            }
        } else {
            for (String p : params) {
                store.get(p).buffer().put(out.get(NEXT + p).buffer());
            }
        }
        double loss = scalar(out.get(VALUE + lossName));
        return new Result(separateObjective ? scalar(out.get(OBJECTIVE)) : loss, loss, m, List.copyOf(grads));
    }

    /** One training step: gradients by ONNX Runtime, then the optimizer updates the store in place. */
    public Result step(Map<String, HostTensor> batch, Optimizer optimizer, long step, long totalSteps) {
        Result r = run(batch);
        update(r, optimizer, step, totalSteps);
        return r;
    }

    /** Hands {@code r}'s gradients to the optimizer (nothing in fused mode, where the step already updated). */
    public void update(Result r, Optimizer optimizer, long step, long totalSteps) {
        if (Double.isNaN(fusedStepsize)) {
            optimizer.step(trainableTensors, r.gradients(), new StepInfo(step, totalSteps, r.objective()));
        }
    }

    public boolean isFused() {
        return !Double.isNaN(fusedStepsize);
    }

    private static double scalar(HostTensor t) {
        return t.toDoubleArray()[0];
    }

    @Override
    public void close() {
        exec.close();
    }
}
