package io.suffice.runtime.reproduce;

import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ls-fig2}: Fig. 2 of Cai et al. (NeurIPS 2024), the two-layer theory: leaky softplus c = 0.5 on XOR data
 * (jittered, with noise dimensions) and on a Fashion-MNIST pair (the paper: CIFAR-10). Claims and rules: the
 * acceleration, rate and margin rules of {@link LargeStepsizeClaims}, on each dataset (XOR: over three data draws;
 * Fashion-MNIST: over three initialisations). Panels: risk, {@code eta t L} and margin of the first seed.
 */
final class LsFig2 implements Reproduction {
    @Override
    public String id() {
        return "ls-fig2";
    }

    @Override
    public String claim() {
        return "Large stepsizes oscillate first, then decrease the risk like 1/(eta t) with a nearly monotone margin, "
                + "and reach a low risk sooner than any monotone stepsize.";
    }

    @Override
    public String source() {
        return "Cai, Wu, Mei, Lindsey, Bartlett (NeurIPS 2024), Fig. 2: leaky softplus c = 0.5 on XOR and on a "
                + "CIFAR-10 pair; here jittered XOR with 4 noise dimensions (n = 100, m = 64) and Fashion-MNIST "
                + "T-shirt vs pullover (n = 200, m = 32); stepsizes with the 1/m output factor";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 4 : 30;
    }

    @Override
    public List<Part> parts(Scale scale) {
        if (scale == Scale.LAPTOP) {
            return List.of(new Part("xor", Configs.load("ls-fig2-xor")),
                    new Part("fmnist", Configs.load("ls-fig2-fmnist")));
        }
        return List.of(
                new Part("xor", Configs.load("ls-fig2-xor", Map.of("dataset.n", 400, "task.steps", 20000,
                        "sweep.dataset.seed", List.of(0, 1, 2, 3, 4)))),
                new Part("fmnist", Configs.load("ls-fig2-fmnist", Map.of("dataset.n", 2000, "task.width", 64,
                        "task.steps", 10000, "sweep.run.seed", List.of(1, 2, 3, 4, 5)))));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<Verdict> out = new ArrayList<>();
        judgeDataset(results, dir, "xor", "dataset.seed", out);
        judgeDataset(results, dir, "fmnist", "run.seed", out);
        return out;
    }

    private void judgeDataset(Results results, Path dir, String part, String seedKey, List<Verdict> out) {
        List<ArmOutcome> arms = results.arms(part);
        String problem = results.problem(part);
        String figure = id() + "/" + part;
        out.add(LargeStepsizeClaims.acceleration(figure, arms, seedKey, problem));
        out.add(LargeStepsizeClaims.rate(figure, arms, problem));
        out.add(LargeStepsizeClaims.margin(figure, arms, problem));
        if (!arms.isEmpty()) {
            Object first = arms.get(0).values().get(seedKey);
            LargeStepsizeClaims.panels(dir, figure.replace('/', '-'), "1/m output factor, " + seedKey + "=" + first,
                    results.arms(part, seedKey, first));
        }
    }
}
