package io.suffice.downstream.generative;

import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.data.jghm.JghmDataset;
import io.suffice.data.jghm.JghmSpec;
import io.suffice.data.jghm.Pairing;
import io.suffice.data.jghm.TransitionMatrixGenerator;
import io.suffice.optimizers.AdamWProvider;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run context with the real engine (ONNX Runtime, autodiff), AdamW with a cosine schedule, metrics kept in memory.
 * Close it to close the executor.
 */
public final class EngineRunContext implements RunContext, AutoCloseable {
    private final Dataset data;
    private final Encoder encoder;
    private final double lr;
    private final Path dir;
    private final List<Map<String, Double>> rows = Collections.synchronizedList(new ArrayList<>());
    private final OrtExecutor executor = new OrtExecutor(ExecutionConfig.defaults());
    private long checkpointEvery;
    private Path resume;
    private List<String> export = List.of();
    private io.suffice.runtime.train.TrainingCore trainer;
    private io.suffice.api.train.Trainer override;
    private String schedule = "cosine";
    private long seed = 7;

    public EngineRunContext(Dataset data, Encoder encoder, double lr, Path dir) {
        this.data = data;
        this.encoder = encoder;
        this.lr = lr;
        this.dir = dir;
    }

    /** A small JGHM: S=4, L=2, m=3 (9 leaves per modality), p=0.1, sigma=1. */
    public static Dataset smallJghm() {
        var model = TransitionMatrixGenerator.generate(new JghmSpec(4, 2, 3, 2, 3, 0.1, 0.1, 1.0, 3));
        return new JghmDataset(model, model, Pairing.PAIRED, 1);
    }

    /** The run seed (7 unless set). */
    public EngineRunContext seed(long s) {
        this.seed = s;
        return this;
    }

    /** Checkpoints every {@code n} steps into the run folder (and at the end), as {@code run.checkpoint-every}. */
    public EngineRunContext checkpointEvery(long n) {
        this.checkpointEvery = n;
        return this;
    }

    /** Resumes from a run folder or checkpoint file, as {@code run.resume}. */
    public EngineRunContext resume(Path from) {
        this.resume = from;
        return this;
    }

    /**
     * A constant stepsize instead of the cosine schedule, whose curve depends on the run's length: an N-step run is
     * then the first half of a 2N-step one.
     */
    public EngineRunContext constantSchedule() {
        this.schedule = "constant";
        return this;
    }

    /** Exports the trained models in these formats, as {@code run.export}. */
    public EngineRunContext export(List<String> formats) {
        this.export = List.copyOf(formats);
        return this;
    }

    /**
     * Makes {@link #trainer()} return {@code t} from now on: a fake trainer, or one that wraps the core (take the
     * core from {@link #trainer()} first).
     */
    public synchronized EngineRunContext trainer(io.suffice.api.train.Trainer t) {
        this.override = t;
        return this;
    }

    /**
     * The training core (checkpoints and exports in the run folder, metrics rows into {@link #rows()}), or the
     * trainer set with {@link #trainer(io.suffice.api.train.Trainer)}.
     */
    @Override
    public synchronized io.suffice.api.train.Trainer trainer() {
        if (override != null) {
            return override;
        }
        if (trainer == null) {
            trainer = io.suffice.runtime.train.TrainingCore.standalone(dir, executor, metrics(), checkpointEvery,
                    resume, export, "test", "test: {}\n");
        }
        return trainer;
    }

    public List<Map<String, Double>> rows() {
        return List.copyOf(rows);
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Dataset dataset() {
        return data;
    }

    @Override
    public Optimizer optimizer() {
        Map<String, Object> v = new HashMap<>();
        v.put("stepsize", lr);
        v.put("weight-decay", 1e-3);
        v.put("schedule", schedule);
        v.put("final-factor", 1e-3);
        v.put("clip-norm", 1.0);
        AdamWProvider p = new AdamWProvider();
        for (var spec : p.parameters()) {
            v.putIfAbsent(spec.name(), spec.defaultValue());
        }
        return p.create(new PluginConfig(PluginKind.OPTIMIZER, "adamw", v));
    }

    @Override
    public Encoder encoder() {
        return encoder;
    }

    @Override
    public MetricsSink metrics() {
        return (step, values) -> rows.add(values);
    }

    @Override
    public Progress progress(String label, long total) {
        return new Progress() {
            @Override
            public void update(long done, String message) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public Differentiator differentiator() {
        return Autodiff.standard()::gradients;
    }

    @Override
    public void close() {
        executor.close();
    }
}
