package io.suffice.downstream.generative;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.encoders.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run interrupted after a checkpoint and resumed from it ends exactly where the uninterrupted run ends: same
 * parameters, same loss window (the data stream, optimizer state and schedule all continue).
 */
class TrainingLoopTest {
    @TempDir
    Path dir;

    private static final long STEPS = 20;

    /** A least-squares fit of a 4-vector to noisy batches: loss = mean_b sum_i (x_bi - w_i)^2. */
    private static final class Fit implements AutoCloseable {
        final ParameterStore store;
        final TrainStep step;

        Fit(EngineRunContext ctx) {
            Graph g = new Graph(3);
            Value w = g.parameter("w", DType.FLOAT32, Shape.of(4), Init.normal(0.5));
            Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 4);
            Value d = g.sub(x, w);
            Value loss = g.reduceMean(g.reduceSum(g.mul(d, d), false, 1), false);
            store = ParameterStore.of(g);
            step = new TrainStep(g, store, List.of(x), loss, Map.of(), ctx.executor(), ctx.differentiator());
        }

        @Override
        public void close() {
            step.close();
        }
    }

    private static Map<String, HostTensor> batch(SplittableRandom r) {
        float[] v = new float[8 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (1 + r.nextGaussian());
        }
        return Map.of("x", HostTensor.of(v, 8, 4));
    }

    private static EngineRunContext context(Path folder) {
        return new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 0.05, folder);
    }

    private TrainingLoop.Outcome train(Path folder, long every, Resume resume,
                                       Function<SplittableRandom, Map<String, HostTensor>> batches,
                                       double[] finalW) throws Exception {
        try (EngineRunContext ctx = context(folder); Fit fit = new Fit(ctx)) {
            Optimizer opt = ctx.optimizer();
            TrainingLoop.Outcome out = new TrainingLoop("fit", STEPS, 5, List.of()).run(ctx, fit.step, fit.store, opt,
                    new SplittableRandom(11), batches, resume, new TrainingLoop.Saving(
                            folder.resolve(GenerativeCheckpoint.FILE), every, Map.of(), Map.of("x", 1.0)));
            System.arraycopy(fit.store.get("w").toDoubleArray(), 0, finalW, 0, 4);
            return out;
        }
    }

    @Test
    void anInterruptedRunResumedFromItsCheckpointEndsWhereTheUninterruptedOneEnds() throws Exception {
        double[] straight = new double[4];
        TrainingLoop.Outcome a = train(dir.resolve("a"), 0, null, TrainingLoopTest::batch, straight);
        assertThat(GenerativeCheckpoint.read(dir.resolve("a").resolve(GenerativeCheckpoint.FILE)).step())
                .isEqualTo(STEPS);

        int[] calls = {0};
        assertThatThrownBy(() -> train(dir.resolve("b"), 10, null, r -> {
            if (++calls[0] > 10) {
                throw new IllegalStateException("interrupted");
            }
            return batch(r);
        }, new double[4])).hasMessage("interrupted");
        Path half = dir.resolve("b").resolve(GenerativeCheckpoint.FILE);
        assertThat(GenerativeCheckpoint.read(half).step()).isEqualTo(10);
        assertThat(GenerativeCheckpoint.read(half).figures()).containsEntry("x", 1.0);

        double[] resumed = new double[4];
        TrainingLoop.Outcome c = train(dir.resolve("c"), 0, Resume.of(half.toString(), STEPS),
                TrainingLoopTest::batch, resumed);
        assertThat(c.stepsTaken()).isEqualTo(10);
        assertThat(resumed).containsExactly(straight);
        assertThat(c.lossLast100()).isEqualTo(a.lossLast100());

        // at the last step: nothing trained, the same loss window, no new checkpoint
        double[] evaluated = new double[4];
        TrainingLoop.Outcome d = train(dir.resolve("d"), 0,
                Resume.of(dir.resolve("a").resolve(GenerativeCheckpoint.FILE).toString(), STEPS),
                r -> {
                    throw new AssertionError("no batch may be drawn");
                }, evaluated);
        assertThat(d.stepsTaken()).isZero();
        assertThat(d.stepsPerSecond()).isNaN();
        assertThat(evaluated).containsExactly(straight);
        assertThat(d.lossLast100()).isEqualTo(a.lossLast100());
        assertThat(dir.resolve("d").resolve(GenerativeCheckpoint.FILE)).doesNotExist();
    }
}
