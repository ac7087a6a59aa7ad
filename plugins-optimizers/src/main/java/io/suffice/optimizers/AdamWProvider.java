package io.suffice.optimizers;

/** Plugin {@code adamw}: {@link Adam} with decoupled weight decay. */
public final class AdamWProvider extends AdamFamilyProvider {
    public AdamWProvider() {
        super("adamw", "AdamW: Adam with decoupled weight decay w *= 1 - eta_t lambda (Loshchilov and Hutter)", true,
                0.01, "decoupled weight decay lambda >= 0");
    }
}
