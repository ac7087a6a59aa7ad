package io.suffice.optimizers;

/** Plugin {@code momentum}: heavy-ball {@link Momentum}. */
public final class MomentumProvider extends MomentumFamilyProvider {
    public MomentumProvider() {
        super("momentum", "heavy-ball momentum: v = mu v + g, w -= eta_t v", false);
    }
}
