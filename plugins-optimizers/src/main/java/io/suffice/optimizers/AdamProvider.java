package io.suffice.optimizers;

/** Plugin {@code adam}: {@link Adam} with optional L2 weight decay added to the gradient. */
public final class AdamProvider extends AdamFamilyProvider {
    public AdamProvider() {
        super("adam", "Adam (Kingma and Ba) with optional L2 weight decay added to the gradient", false, 0.0,
                "L2 penalty coefficient lambda >= 0, added to the gradient");
    }
}
