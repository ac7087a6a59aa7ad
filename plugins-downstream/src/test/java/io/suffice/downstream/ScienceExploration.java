package io.suffice.downstream;

import io.suffice.api.data.Dataset;
import io.suffice.api.task.TaskResult;
import io.suffice.data.SeparableGaussians;
import io.suffice.data.xor.XorData;
import io.suffice.optimizers.AdaptiveGradientDescent;
import io.suffice.optimizers.GradientDescent;
import io.suffice.optimizers.UpdateOptions;

/** Manual exploration: prints sweep summaries. Not a test. */
public final class ScienceExploration {
    public static void main(String[] args) {
        String data = args[0];
        int steps = Integer.parseInt(args[1]);
        int m = Integer.parseInt(args[2]);
        String act = args[3];
        double init = Double.parseDouble(args[4]);
        Dataset ds = data.equals("xor") ? new XorData(100, Double.parseDouble(args[5]), 0, 0.1, 0)
                : new SeparableGaussians(100, 10, Double.parseDouble(args[5]), 1, 0);
        for (String arg : args[6].split(",")) {
            boolean adaptive = arg.startsWith("a");
            double eta = Double.parseDouble(adaptive ? arg.substring(1) : arg);
            TwoLayerGd task = new TwoLayerGd(new TwoLayerGdSettings(m, act, 0.5, 1, init, steps, 10, 1e-3, 0));
            FakeRunContext ctx = new FakeRunContext(ds, () -> adaptive ? new AdaptiveGradientDescent(eta, UpdateOptions.NONE)
                    : new GradientDescent(eta), 1);
            long t0 = System.nanoTime();
            TaskResult r = task.run(ctx);
            System.out.printf("%s eta=%s %.2fs %s%n", adaptive ? "adaptive" : "gd", eta, (System.nanoTime() - t0) / 1e9,
                    r.summary());
        }
    }
}
