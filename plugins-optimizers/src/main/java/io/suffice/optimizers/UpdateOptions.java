package io.suffice.optimizers;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/**
 * The parameters every optimizer plugin shares: a stepsize {@link Schedule} and optional global-norm gradient
 * clipping. Clipping rescales the whole gradient (all parameters together) to norm at most {@code clip-norm}:
 * {@code g <- g * min(1, c / ||g||)} (Pascanu, Mikolov, Bengio, ICML 2013), before the update rule sees it.
 *
 * @param schedule stepsize factor per step
 * @param clipNorm maximal global gradient norm; 0 turns clipping off
 */
public record UpdateOptions(Schedule schedule, double clipNorm) {

    /** Constant schedule, no clipping. */
    public static final UpdateOptions NONE = new UpdateOptions(new ConstantSchedule(), 0);

    public UpdateOptions {
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be finite and >= 0, got " + clipNorm);
        }
    }

    /** The shared parameter specs, appended to each optimizer plugin's own. */
    public static List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofChoice("schedule", "stepsize schedule: constant, or cosine decay to final-factor",
                        "constant", "cosine"),
                ParameterSpec.ofInt("warmup-steps", 0, "linear warm-up over this many steps before the schedule (0: none)").nonNegative(),
                ParameterSpec.ofDouble("final-factor", 0.0, "cosine schedule: stepsize factor reached at the last step")
                        .in(io.suffice.api.plugin.Range.closed(0, 1)),
                ParameterSpec.ofDouble("clip-norm", 0.0, "clip the global gradient norm to this value (0: no clipping)")
                        .nonNegative());
    }

    /** Reads the shared parameters, with errors naming the offending one. */
    public static UpdateOptions from(PluginConfig c) {
        double finalFactor = c.getDouble("final-factor");
        Schedule s = switch (c.getString("schedule")) {
            case "constant" -> new ConstantSchedule();
            case "cosine" -> new CosineSchedule(finalFactor);
            default -> throw c.invalid("schedule", "unknown schedule");
        };
        long warmup = c.getLong("warmup-steps");
        if (warmup > 0) {
            s = new LinearWarmupSchedule(warmup, s);
        }
        double clip = c.getDouble("clip-norm");
        return new UpdateOptions(s, clip);
    }
}
