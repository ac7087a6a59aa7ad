package io.suffice.api.train;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a task hands the training core ({@link Trainer#fit}): what is its own (graph, objective, reported values,
 * batches, optimizer, what to export) and nothing the core owns (loop, checkpoints, resume, signals, progress).
 * Build one with {@link #builder}. Immutable apart from the live {@link ParameterStore} and the callbacks.
 *
 * @param label           progress label and log prefix ({@code clip}, {@code denoise}, ...)
 * @param graph           the graph holding every value below
 * @param objective       the scalar that is differentiated and minimised
 * @param loss            the scalar reported as {@code loss} (often the objective itself; the guided CLIP variant
 *                        reports the contrastive loss and optimises loss + penalty)
 * @param lossName        the loss's column name ({@link #LOSS} unless the task's papers call it otherwise, e.g.
 *                        {@code risk})
 * @param metrics         further scalars of the same graph reported beside the loss, by column name
 * @param gradientMetrics scalars computed from the gradients (e.g. the gradient norm), or null
 * @param inputs          the batch inputs the {@link BatchSource} feeds
 * @param store           the parameters of {@code graph}, updated in place by the optimizer
 * @param frozen          names of store parameters that are fed but not trained
 * @param optimizer       the update rule
 * @param batches         step {@code t} -> inputs of step {@code t}
 * @param steps           updates to apply, at least 1
 * @param logEvery        a metrics row every this many steps (and at the last), at least 1
 * @param window          the window of the reported means (the papers' "last 100"), at least 1
 * @param listeners       observers of every measurement, by name (the name keys their checkpointed state)
 * @param exports         functions written as ONNX files by {@code run.export} / {@code suffice export}, by file
 *                        base name
 * @param carried         tensors saved in every checkpoint and handed back through {@link ResumePoint#carried()}
 *                        (a frozen tower's parameters)
 * @param evaluateEvery   steps between periodic evaluations (0: none); an evaluation also runs at step 0 and after
 *                        the last update, and its values join that step's metrics row (blank in the other rows)
 * @param evaluator       the periodic evaluation, or null
 * @param auxiliary       a run inside a task (the in-task CLIP pre-training of a generative task): no metrics rows,
 *                        checkpoints, resume or export; only progress, divergence stop and the result
 */
public record TrainingPlan(String label, Graph graph, Value objective, Value loss, String lossName,
                           Map<String, Value> metrics,
                           GradientMetrics gradientMetrics, List<Value> inputs, ParameterStore store,
                           Set<String> frozen, Optimizer optimizer, BatchSource batches, long steps, long logEvery,
                           int window, Map<String, TrainingListener> listeners, Map<String, Export> exports,
                           Map<String, HostTensor> carried, long evaluateEvery, Evaluator evaluator,
                           boolean auxiliary) {

    /** Default name of the reported loss column. */
    public static final String LOSS = "loss";

    public TrainingPlan {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(batches, "batches");
        requireScalar("objective", objective);
        requireScalar("loss", loss);
        Objects.requireNonNull(lossName, "lossName");
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        metrics.forEach(TrainingPlan::requireScalar);
        if (metrics.containsKey(lossName)) {
            throw new IllegalArgumentException("metric name '" + lossName + "' is the reported loss's own");
        }
        inputs = List.copyOf(inputs);
        frozen = Set.copyOf(frozen);
        for (String f : frozen) {
            store.get(f); // names the missing parameter
        }
        listeners = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(listeners));
        exports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(exports));
        carried = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(carried));
        if (evaluateEvery < 0 || evaluateEvery > 0 && evaluator == null) {
            throw new IllegalArgumentException(label + ": evaluate-every must be >= 0 and needs an evaluator, got "
                    + evaluateEvery);
        }
        if (steps < 1 || logEvery < 1 || window < 1) {
            throw new IllegalArgumentException(label + ": steps, log-every and window must be >= 1, got " + steps
                    + ", " + logEvery + ", " + window);
        }
    }

    private static void requireScalar(String name, Value v) {
        Objects.requireNonNull(v, name);
        if (v.rank() != 0 || v.dtype() == DType.BOOL) {
            throw new IllegalArgumentException("'" + name + "' must be a numeric scalar, got " + v);
        }
    }

    /**
     * A periodic evaluation of the live model (e.g. a held-out risk), called by the core between steps. It must
     * depend only on the parameters and the step (draw evaluation data from {@link StepRandom} or a fixed set), so a
     * resumed run repeats it.
     */
    @FunctionalInterface
    public interface Evaluator {
        /** Values by column name (distinct from the loss and metric names) at the parameters after {@code step}. */
        Map<String, Double> evaluate(long step);
    }

    /** Scalars built from the gradients once the core has differentiated the objective. */
    @FunctionalInterface
    public interface GradientMetrics {
        /**
         * @param graph     the plan's graph
         * @param gradients the gradient of the objective with respect to each trained parameter, by parameter name
         * @return scalar values by column name
         */
        Map<String, Value> of(Graph graph, Map<String, Value> gradients);
    }

    /**
     * A function of the trained model written as a standalone ONNX file: its batch inputs (their first dimension
     * is exported as the symbolic dimension {@code batch}) and its outputs, all values of the plan's graph; the
     * parameters become initializers holding their trained values.
     */
    public record Export(List<Value> inputs, Map<String, Value> outputs) {
        public Export {
            inputs = List.copyOf(inputs);
            outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException("an export needs at least one output");
            }
        }
    }

    /**
     * A builder with the required parts; the rest default to: loss = objective, no metrics, nothing frozen, a row
     * every step, window 100, no listeners, exports or carried tensors, not auxiliary.
     */
    public static Builder builder(String label, Graph graph, Value objective, ParameterStore store,
                                  Optimizer optimizer, BatchSource batches, long steps) {
        return new Builder(label, graph, objective, store, optimizer, batches, steps);
    }

    /** Collects the optional parts of a plan. Not thread-safe. */
    public static final class Builder {
        private final String label;
        private final Graph graph;
        private final Value objective;
        private final ParameterStore store;
        private final Optimizer optimizer;
        private final BatchSource batches;
        private final long steps;
        private Value loss;
        private String lossName = LOSS;
        private final Map<String, Value> metrics = new LinkedHashMap<>();
        private GradientMetrics gradientMetrics;
        private final List<Value> inputs = new ArrayList<>();
        private final Set<String> frozen = new LinkedHashSet<>();
        private long logEvery = 1;
        private int window = 100;
        private final Map<String, TrainingListener> listeners = new LinkedHashMap<>();
        private final Map<String, Export> exports = new LinkedHashMap<>();
        private final Map<String, HostTensor> carried = new LinkedHashMap<>();
        private boolean auxiliary;
        private long evaluateEvery;
        private Evaluator evaluator;

        private Builder(String label, Graph graph, Value objective, ParameterStore store, Optimizer optimizer,
                        BatchSource batches, long steps) {
            this.label = label;
            this.graph = graph;
            this.objective = objective;
            this.store = store;
            this.optimizer = optimizer;
            this.batches = batches;
            this.steps = steps;
        }

        /** The reported loss when it differs from the objective. */
        public Builder loss(Value v) {
            this.loss = v;
            return this;
        }

        /** The loss's column name (default {@link TrainingPlan#LOSS}). */
        public Builder lossName(String name) {
            this.lossName = name;
            return this;
        }

        public Builder metric(String name, Value v) {
            metrics.put(name, v);
            return this;
        }

        public Builder gradientMetrics(GradientMetrics m) {
            this.gradientMetrics = m;
            return this;
        }

        public Builder inputs(List<Value> v) {
            inputs.addAll(v);
            return this;
        }

        public Builder input(Value v) {
            inputs.add(v);
            return this;
        }

        public Builder frozen(java.util.Collection<String> names) {
            frozen.addAll(names);
            return this;
        }

        public Builder logEvery(long n) {
            this.logEvery = n;
            return this;
        }

        public Builder window(int n) {
            this.window = n;
            return this;
        }

        public Builder listener(String name, TrainingListener l) {
            listeners.put(name, l);
            return this;
        }

        public Builder export(String name, Export e) {
            exports.put(name, e);
            return this;
        }

        public Builder carry(Map<String, HostTensor> tensors) {
            carried.putAll(tensors);
            return this;
        }

        /** Runs {@code e} every {@code every} steps, at step 0 and after the last update. */
        public Builder evaluate(long every, Evaluator e) {
            this.evaluateEvery = every;
            this.evaluator = e;
            return this;
        }

        public Builder auxiliary() {
            this.auxiliary = true;
            return this;
        }

        public TrainingPlan build() {
            return new TrainingPlan(label, graph, objective, loss == null ? objective : loss, lossName, metrics,
                    gradientMetrics, inputs, store, frozen, optimizer, batches, steps, logEvery, window, listeners,
                    exports, carried, evaluateEvery, evaluator, auxiliary);
        }
    }
}
