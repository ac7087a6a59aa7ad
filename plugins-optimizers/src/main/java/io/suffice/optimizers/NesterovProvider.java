package io.suffice.optimizers;

/** Plugin {@code nesterov}: {@link Momentum} with Nesterov's look-ahead. */
public final class NesterovProvider extends MomentumFamilyProvider {
    public NesterovProvider() {
        super("nesterov", "Nesterov momentum: v = mu v + g, w -= eta_t (g + mu v)", true);
    }
}
