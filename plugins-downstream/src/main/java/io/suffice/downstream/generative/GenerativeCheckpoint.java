package io.suffice.downstream.generative;

import io.suffice.api.graph.ParameterStore;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.clip.ClipCheckpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a generative task ({@code denoise}, {@code vlm}, {@code diffusion}) needs to evaluate its model again,
 * or to continue training it: stored in the clip task's binary format ({@link ClipCheckpoint}; no second format) as
 * <ul>
 * <li>{@code param/<name>}: the generative model's parameters, a jointly trained encoder's ({@code cond_encoder.*})
 *     among them;</li>
 * <li>{@code frozen/<name>}: the frozen tower's parameters ({@code text.*} or {@code image.*}; conditioning
 *     {@code frozen} only), so a resumed run needs neither the clip checkpoint nor the CLIP pre-training;</li>
 * <li>{@code optim/<key>}: the optimizer state;</li>
 * <li>{@code task/window/<name>}: the {@link LossWindow} states of the loss and of each logged extra (the "mean of
 *     the last 100 training losses");</li>
 * <li>{@code task/figure/<name>}: scalars carried into the summary of a resumed run ({@code clip_risk_last100} of an
 *     in-task CLIP pre-training).</li>
 * </ul>
 * A clip run's own checkpoint (parameters of both towers, no {@code task/window/loss}) is a different thing: it is
 * what {@code task.checkpoint} takes, while {@code task.resume} takes this one; each reader names the other key when
 * given the wrong kind.
 *
 * @param step    completed training steps
 * @param model   the generative model's parameters
 * @param frozen  the frozen tower's parameters (empty unless conditioning is frozen)
 * @param optim   optimizer state
 * @param windows loss-window states by name ({@link #LOSS} and the extras)
 * @param figures summary scalars to carry over
 */
public record GenerativeCheckpoint(long step, Map<String, HostTensor> model, Map<String, HostTensor> frozen,
                                   Map<String, HostTensor> optim, Map<String, double[]> windows,
                                   Map<String, Double> figures) {
    /** File name in the run folder. */
    public static final String FILE = "checkpoint.bin";
    /** Window name of the training loss. */
    public static final String LOSS = "loss";

    private static final String PARAM = "param/";
    private static final String FROZEN = "frozen/";
    private static final String OPTIM = "optim/";
    private static final String WINDOW = "task/window/";
    private static final String FIGURE = "task/figure/";

    public GenerativeCheckpoint {
        model = ordered(model);
        frozen = ordered(frozen);
        optim = ordered(optim);
        windows = ordered(windows);
        figures = ordered(figures);
    }

    /** An unmodifiable copy that keeps the declaration order (parameters are written and compared in it). */
    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * The live state as a checkpoint (every tensor copied, so training may go on).
     *
     * @param frozen  the frozen tower's parameters (copied here), or empty
     * @param windows the loss windows by name
     */
    public static GenerativeCheckpoint capture(long step, ParameterStore store, Map<String, HostTensor> frozen,
                                               Optimizer optimizer, Map<String, LossWindow> windows,
                                               Map<String, Double> figures) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        store.asMap().forEach((k, v) -> m.put(k, v.copy()));
        Map<String, HostTensor> f = new LinkedHashMap<>();
        frozen.forEach((k, v) -> f.put(k, v.copy()));
        Map<String, HostTensor> o = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> o.put(k, v.copy()));
        Map<String, double[]> w = new LinkedHashMap<>();
        windows.forEach((k, v) -> w.put(k, v.state()));
        return new GenerativeCheckpoint(step, m, f, o, w, figures);
    }

    /**
     * The {@link TrainingLoop.Saving} of a task run: {@code <run folder>/checkpoint.bin}, every {@code every} steps
     * and after the last, with the frozen tower's parameters (if any) and the summary's {@code clip_risk_last100}.
     */
    public static TrainingLoop.Saving saving(RunContext ctx, long every, FrozenTower tower,
                                             Map<String, Double> summary) {
        Map<String, Double> figures = new LinkedHashMap<>();
        Double clip = summary.get(FrozenEncoders.CLIP_RISK);
        if (clip != null) {
            figures.put(FrozenEncoders.CLIP_RISK, clip);
        }
        return new TrainingLoop.Saving(ctx.directory().resolve(FILE), every,
                tower == null ? Map.of() : tower.parameters(), figures);
    }

    /** Writes the checkpoint atomically (temporary file, fsync, atomic move). */
    public void write(Path file) throws IOException {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        model.forEach((k, v) -> t.put(PARAM + k, v));
        frozen.forEach((k, v) -> t.put(FROZEN + k, v));
        optim.forEach((k, v) -> t.put(OPTIM + k, v));
        windows.forEach((k, v) -> t.put(WINDOW + k, HostTensor.of(v, v.length)));
        figures.forEach((k, v) -> t.put(FIGURE + k, HostTensor.of(new double[]{v}, 1)));
        new ClipCheckpoint(step, t).write(file);
    }

    /**
     * Reads a checkpoint written by a generative task.
     *
     * @throws IOException naming the file when it is not one (a clip run's checkpoint is told apart and pointed to
     *                     {@code task.checkpoint})
     */
    public static GenerativeCheckpoint read(Path file) throws IOException {
        ClipCheckpoint c = ClipCheckpoint.read(file);
        if (!c.tensors().containsKey(WINDOW + LOSS)) {
            throw new IOException(file + " is not a checkpoint of a generative task (no " + WINDOW + LOSS
                    + " entry); a clip run's checkpoint.bin with trained towers goes into task.checkpoint, not "
                    + "task.resume");
        }
        Map<String, HostTensor> m = new LinkedHashMap<>();
        Map<String, HostTensor> f = new LinkedHashMap<>();
        Map<String, HostTensor> o = new LinkedHashMap<>();
        Map<String, double[]> w = new LinkedHashMap<>();
        Map<String, Double> fig = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith(PARAM)) {
                m.put(k.substring(PARAM.length()), v);
            } else if (k.startsWith(FROZEN)) {
                f.put(k.substring(FROZEN.length()), v);
            } else if (k.startsWith(OPTIM)) {
                o.put(k.substring(OPTIM.length()), v);
            } else if (k.startsWith(WINDOW)) {
                w.put(k.substring(WINDOW.length()), v.toDoubleArray());
            } else if (k.startsWith(FIGURE)) {
                fig.put(k.substring(FIGURE.length()), v.toDoubleArray()[0]);
            }
        });
        return new GenerativeCheckpoint(c.step(), m, f, o, w, fig);
    }

    /** Whether {@code c} was written by a generative task (rather than by a clip run). */
    public static boolean isGenerative(ClipCheckpoint c) {
        return c.tensors().containsKey(WINDOW + LOSS);
    }

    /**
     * Loads the model parameters into {@code store} after checking that they are exactly the configured ones.
     *
     * @param source the checkpoint's path, for the error message
     * @throws IllegalArgumentException naming {@code source} and the first mismatching parameter
     */
    public void loadModel(String source, ParameterStore store) {
        ParameterMatch.require("checkpoint " + source, "model", store.asMap(), model, false);
        store.load(model);
    }

    /** The restored loss window {@code name}, or a fresh one of {@code capacity} when the checkpoint has none. */
    public LossWindow window(String name, int capacity) {
        double[] s = windows.get(name);
        return s == null ? new LossWindow(capacity) : LossWindow.restore(s);
    }
}
