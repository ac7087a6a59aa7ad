package com.example.signgd;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Sign gradient descent, {@code w <- w - eta * sign(g)}: a third-party optimizer written only against suffice's api,
 * built as its own JAR and dropped into the {@code plugins/} folder.
 */
public final class SignGd implements Optimizer {
    private final double stepsize;

    public SignGd(double stepsize) {
        this.stepsize = stepsize;
    }

    @Override
    public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
        for (int i = 0; i < params.size(); i++) {
            HostTensor p = params.get(i);
            HostTensor g = grads.get(i);
            switch (p.dtype()) {
                case FLOAT32 -> {
                    FloatBuffer ps = p.floats();
                    FloatBuffer gs = g.floats();
                    for (int j = 0; j < ps.limit(); j++) {
                        ps.put(j, (float) (ps.get(j) - stepsize * Math.signum(gs.get(j))));
                    }
                }
                case FLOAT64 -> {
                    DoubleBuffer ps = p.doubles();
                    DoubleBuffer gs = g.doubles();
                    for (int j = 0; j < ps.limit(); j++) {
                        ps.put(j, ps.get(j) - stepsize * Math.signum(gs.get(j)));
                    }
                }
                default -> throw new IllegalArgumentException("sign-gd cannot update " + p.dtype());
            }
        }
    }
}
