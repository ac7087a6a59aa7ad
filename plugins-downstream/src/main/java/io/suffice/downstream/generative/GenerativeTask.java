package io.suffice.downstream.generative;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.StepRandom;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The one run of every generative task ({@code denoise}, {@code vlm}, {@code diffusion}; contrastive-jghm.md sec. 4):
 * <ol>
 * <li>probe the dataset (symbols S, noise scale, sequence lengths; {@link Probe});</li>
 * <li>open the frozen tower of the conditioning modality when conditioning is {@code frozen}
 *     ({@link FrozenEncoders#open}: from the resumed checkpoint, a clip run, or an in-task CLIP pre-training);</li>
 * <li>build the task's model ({@link #build}) and hand the training core one {@link TrainingPlan}: its objective and
 *     metrics, fresh batches {@code t -> }{@link #batch} drawn from {@link StepRandom}{@code (seed, TRAINING, t)},
 *     the run's optimizer, the prediction function as the ONNX export {@code <exportName>.onnx}, and the frozen tower
 *     (with the pre-training's risk) as carried tensors, so a run resumed with {@code run.resume} needs neither the
 *     clip checkpoint nor the pre-training;</li>
 * <li>report the window means (under the summary keys the task names), the speed, and the task's
 *     {@link #evaluate evaluation} of the trained prediction function (also after an evaluation-only resume: the
 *     shift-in-p runs).</li>
 * </ol>
 * The training core owns the loop, metrics rows, checkpoints, resume, signals and export.
 *
 * @param <M> the task's built model
 */
public abstract class GenerativeTask<M extends GenerativeModel> implements DownstreamTask {
    private static final Logger LOG = LoggerFactory.getLogger(GenerativeTask.class);

    /** {@link StepRandom} stream of the training batches (step t: the batch of step t). */
    public static final long TRAINING = 1;
    /** {@link StepRandom} stream of the evaluation samples. */
    public static final long EVALUATION = 2;
    /** {@link StepRandom} stream of generated samples (captions, diffusion samples). */
    public static final long GENERATION = 3;

    private final String label;
    private final Modality conditionedOn;
    private final String exportName;
    private final Map<String, String> windowSummary;
    protected final GenerativeSettings settings;

    /**
     * @param label         the task's name: progress label, log prefix
     * @param conditionedOn the modality the conditioning token carries (its frozen tower is this modality's)
     * @param exportName    the ONNX export's base name ({@code run.export} writes {@code <name>.onnx})
     * @param windowSummary summary keys of the training window means, by metrics column
     *                      ({@code loss -> train_mse_last100})
     */
    protected GenerativeTask(String label, Modality conditionedOn, GenerativeSettings settings, String exportName,
                             Map<String, String> windowSummary) {
        this.label = label;
        this.conditionedOn = conditionedOn;
        this.settings = settings;
        this.exportName = exportName;
        this.windowSummary = Map.copyOf(windowSummary);
    }

    /**
     * What the dataset's first sample and oracle say about the data. Immutable.
     *
     * @param states      S (10 without an oracle)
     * @param sigma       the noise scale of the noisy image field (1 without an oracle)
     * @param imageLength tokens per image
     * @param textLength  tokens per text
     */
    public record Probe(int states, double sigma, int imageLength, int textLength) {
        /** Tokens per sequence of modality {@code m}. */
        public int length(Modality m) {
            return m == Modality.IMAGE ? imageLength : textLength;
        }
    }

    /**
     * The trained model as the evaluation hooks see it.
     *
     * @param oracle     the dataset's Bayes oracle, or null
     * @param store      the trained parameters
     * @param prediction the compiled prediction function (parameters and {@link GenerativeModel#predictionInputs()}
     *                   in, {@link GenerativeModel#predictionName()} out)
     */
    public record Trained<M extends GenerativeModel>(RunContext ctx, Dataset data, BayesOracle oracle, Probe probe,
                                                     M model, ParameterStore store, Conditioner condition,
                                                     Executable prediction) {
        /** The prediction on {@code inputs} (the conditioning feeds among them), a fresh copy. */
        public HostTensor predict(Map<String, HostTensor> inputs) {
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(inputs);
            return prediction.run(f).get(model.predictionName()).copy();
        }

        /** A generator of stream {@code stream} (one of {@link #EVALUATION}, {@link #GENERATION}). */
        public SplittableRandom random(long stream) {
            return StepRandom.of(ctx.seed(), stream, 0);
        }

        /**
         * Fresh evaluation samples from the {@link #EVALUATION} stream: {@code total} of them in batches of at most
         * {@code chunk}, each handed to {@code body}.
         */
        public void evaluationBatches(int total, int chunk, Consumer<Batch> body) {
            SplittableRandom rng = random(EVALUATION);
            for (int done = 0; done < total; done += chunk) {
                body.accept(data.sample(Math.min(chunk, total - done), rng.split()));
            }
        }
    }

    /**
     * Builds the task's model into {@code g}.
     *
     * @param embedding       e of the frozen tower's embedding (frozen conditioning), else 0
     * @param jointEncoder    the run's encoder section (frozen: the tower architecture; joint: trained with the
     *                        model), null for conditioning none
     * @param conditionLength tokens per sequence of the conditioning modality
     */
    protected abstract M build(Graph g, Probe probe, int embedding, Encoder jointEncoder, long conditionLength);

    /** The inputs of one training step: a fresh batch drawn from {@code rng}, its conditioning fed by {@code c}. */
    protected abstract Map<String, HostTensor> batch(Dataset data, SplittableRandom rng, Conditioner c);

    /** Evaluates the trained model, adding to {@code summary} (and writing the task's files). */
    protected abstract void evaluate(Trained<M> run, Map<String, Double> summary) throws Exception;

    /** Extra words for the start-of-run log line (e.g. the noise schedule). */
    protected String details() {
        return "";
    }

    /** The reported columns that have a summary key, in report order (loss, then the metrics). */
    private List<String> windowColumns(M model) {
        List<String> columns = new ArrayList<>();
        columns.add(TrainingPlan.LOSS);
        columns.addAll(model.metrics().keySet());
        columns.removeIf(c -> !windowSummary.containsKey(c));
        return columns;
    }

    @Override
    public final TaskResult run(RunContext ctx) throws Exception {
        GenerativeSettings s = settings;
        Dataset data = ctx.dataset();
        BayesOracle oracle = data.oracle().orElse(null);
        Batch first = data.sample(1, new SplittableRandom(ctx.seed()));
        Probe probe = new Probe(oracle == null ? 10 : oracle.states(), oracle == null ? 1.0 : oracle.noiseScale(),
                (int) first.get(s.imageField()).shape().dim(1), (int) first.get(s.textField()).shape().dim(1));
        long conditionLength = probe.length(conditionedOn);
        String conditionField = conditionedOn == Modality.IMAGE ? s.imageField() : s.textField();
        Map<String, Double> summary = new LinkedHashMap<>();
        Encoder encoder = s.conditioning() == Conditioning.NONE ? null : ctx.encoder();
        try (FrozenTower tower = s.conditioning() != Conditioning.FROZEN ? null
                : FrozenEncoders.open(ctx, s, conditionedOn.label(), conditionLength, summary)) {
            Graph g = new Graph(ctx.seed());
            M model = build(g, probe, tower == null ? 0 : tower.embedding(), encoder, conditionLength);
            ParameterStore store = ParameterStore.of(g);
            summary.put("parameters", (double) store.count());
            LOG.info("{}: conditioning {}, width {}, depth {}, {} parameters, {} steps of {}{}", label,
                    s.conditioning().label(), s.width(), s.depth(), store.count(), s.steps(), s.batch(), details());
            Conditioner conditioner = new Conditioner(model.condition(), tower, conditionField);
            TrainingPlan.Builder plan = TrainingPlan.builder(label, g, model.objective(), store, ctx.optimizer(),
                            t -> batch(data, StepRandom.of(ctx.seed(), TRAINING, t), conditioner), s.steps())
                    .inputs(model.inputs())
                    .logEvery(s.logEvery())
                    .export(exportName, new TrainingPlan.Export(model.predictionInputs(),
                            Map.of(model.predictionName(), model.prediction())))
                    .carry(FrozenEncoders.carried(tower, summary));
            model.metrics().forEach(plan::metric);
            TrainingResult result = ctx.trainer().fit(plan.build());
            for (String column : windowColumns(model)) {
                summary.put(windowSummary.get(column), result.windowMean(column));
            }
            if (result.stepsTaken() > 0) {
                summary.put("steps_per_s", result.stepsPerSecond());
            }
            List<Value> predictionInputs = new ArrayList<>(g.parameters());
            predictionInputs.addAll(model.predictionInputs());
            try (Executable prediction = ctx.executor().compile(g, predictionInputs,
                    Map.of(model.predictionName(), model.prediction()))) {
                evaluate(new Trained<>(ctx, data, oracle, probe, model, store, conditioner, prediction), summary);
            }
        }
        LOG.info("{}: {}", label, summary.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4f", e.getValue()))
                .collect(Collectors.joining(", ")));
        return new TaskResult(summary);
    }
}
