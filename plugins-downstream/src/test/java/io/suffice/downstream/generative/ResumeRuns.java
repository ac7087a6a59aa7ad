package io.suffice.downstream.generative;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.task.DownstreamTask;
import io.suffice.encoders.transformer.TransformerEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The resume checks every generative task passes through the training core (issue 12), on the small JGHM with the
 * real engine and AdamW:
 * <ul>
 * <li>with a constant stepsize, an N-step run with {@code run.checkpoint-every} resumed with {@code run.resume} to
 *     2N steps writes exactly the metrics rows of the straight 2N-step run from step N on and ends with the same
 *     summary (its frozen tower comes from the checkpoint, not from a second CLIP pre-training);</li>
 * <li>with the configs' cosine schedule, whose curve depends on task.steps (so an N-step run is not the first half
 *     of a 2N-step one), a 2N-step run killed just after its {@code run.checkpoint-every = N} checkpoint and resumed
 *     to 2N does the same;</li>
 * <li>resuming the finished run at its last step trains nothing and repeats its evaluation exactly (the shift-in-p
 *     runs), writing one row (the measurement at the last step) and no checkpoint.</li>
 * </ul>
 */
public final class ResumeRuns {
    private ResumeRuns() {
    }

    /** A run's metrics rows without the wall-clock rate, and its summary. */
    public record Run(List<Map<String, Double>> rows, Map<String, Double> summary) {
    }

    /** The small JGHM, failing the {@code after+1}-th training batch of {@code batch} examples ("killed"). */
    private static final class Killed implements Dataset {
        private final Dataset inner;
        private final int batch;
        private final long after;
        private long drawn;

        Killed(Dataset inner, int batch, long after) {
            this.inner = inner;
            this.batch = batch;
            this.after = after;
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public Batch sample(int n, RandomGenerator rng) {
            if (n == batch && ++drawn > after) {
                throw new IllegalStateException("killed after " + after + " training batches");
            }
            return inner.sample(n, rng);
        }

        @Override
        public Batch all() {
            return inner.all();
        }

        @Override
        public Optional<BayesOracle> oracle() {
            return inner.oracle();
        }
    }

    private static EngineRunContext context(Dataset data, Path folder) throws Exception {
        Files.createDirectories(folder);
        return new EngineRunContext(data, new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, folder);
    }

    private static Run run(DownstreamTask task, EngineRunContext ctx) throws Exception {
        Map<String, Double> summary;
        try (ctx) {
            summary = task.run(ctx).summary();
        }
        List<Map<String, Double>> rows = new ArrayList<>();
        for (Map<String, Double> r : ctx.rows()) {
            Map<String, Double> copy = new LinkedHashMap<>(r);
            copy.remove("steps_per_s");
            rows.add(copy);
        }
        return new Run(rows, summary);
    }

    /** The straight 2N-step run, the N-step (or killed) first part, the resumed second part: rows and summary. */
    private static void assertResumed(Run straight, Run resumed, long n, long logEvery) {
        assertThat(resumed.rows()).as("metrics rows from step N on")
                .containsExactlyElementsOf(straight.rows().subList((int) (n / logEvery), straight.rows().size()));
        Map<String, Double> a = new LinkedHashMap<>(straight.summary());
        Map<String, Double> b = new LinkedHashMap<>(resumed.summary());
        assertThat(a.remove("steps_per_s")).isPositive();
        assertThat(b.remove("steps_per_s")).isPositive();
        assertThat(b).isEqualTo(a);
    }

    /**
     * Checks the three properties for the task {@code task(steps)}.
     *
     * @param task     the task with {@code steps} training steps
     * @param n        N, a multiple of the task's log-every
     * @param logEvery the task's log-every
     * @param batch    the task's training batch size (no other sample call of the task may draw as many)
     * @return the uninterrupted run
     */
    public static Run assertResumeRepeatsTheUninterruptedRun(LongFunction<DownstreamTask> task, long n, long logEvery,
                                                             int batch, Path dir) throws Exception {
        Run constant = run(task.apply(2 * n), context(EngineRunContext.smallJghm(), dir.resolve("constant"))
                .constantSchedule());
        run(task.apply(n), context(EngineRunContext.smallJghm(), dir.resolve("half")).constantSchedule()
                .checkpointEvery(n));
        assertResumed(constant, run(task.apply(2 * n), context(EngineRunContext.smallJghm(),
                dir.resolve("continued")).constantSchedule().resume(dir.resolve("half"))), n, logEvery);

        Run straight = run(task.apply(2 * n), context(EngineRunContext.smallJghm(), dir.resolve("straight")));
        assertThat(straight.rows()).hasSize((int) (2 * n / logEvery + 1));
        assertThat(straight.rows()).isNotEqualTo(constant.rows());

        Path first = dir.resolve("first");
        assertThatThrownBy(() -> run(task.apply(2 * n), context(new Killed(EngineRunContext.smallJghm(), batch, n),
                first).checkpointEvery(n))).hasMessageContaining("killed after " + n);
        assertThat(first.resolve("checkpoint.safetensors")).isNotEmptyFile();

        assertResumed(straight, run(task.apply(2 * n), context(EngineRunContext.smallJghm(), dir.resolve("resumed"))
                .resume(first)), n, logEvery);

        Path evalDir = dir.resolve("evaluate");
        Run evaluated = run(task.apply(2 * n), context(EngineRunContext.smallJghm(), evalDir)
                .resume(dir.resolve("straight")));
        assertThat(evaluated.rows()).as("only the measurement at the last step")
                .containsExactly(straight.rows().get(straight.rows().size() - 1));
        assertThat(evaluated.summary()).doesNotContainKey("steps_per_s");
        Map<String, Double> a = new LinkedHashMap<>(straight.summary());
        a.remove("steps_per_s");
        assertThat(evaluated.summary()).isEqualTo(a);
        assertThat(evalDir.resolve("checkpoint.safetensors")).doesNotExist();
        return straight;
    }
}
