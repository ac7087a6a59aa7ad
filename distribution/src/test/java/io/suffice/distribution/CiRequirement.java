package io.suffice.distribution;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests that need something {@code .ci/run} installs (Debian packages dataset-fashion-mnist,
 * python3-onnx): skip when it is missing on a developer machine, fail when it is missing on CI
 * ({@code CI=true}), so CI cannot go green by skipping. Plugin modules share no test code, so each module that
 * needs the rule has this same small class.
 */
final class CiRequirement {
    private CiRequirement() {
    }

    /** Whether this run is CI: the environment variable {@code CI} is {@code true}. */
    static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips the test (fails it on CI) unless {@code present}; {@code what} names the missing requirement. */
    static void require(boolean present, String what) {
        require(present, what, onCi());
    }

    static void require(boolean present, String what, boolean ci) {
        if (present) {
            return;
        }
        if (ci) {
            Assertions.fail(what + " is missing on CI (CI=true); .ci/run installs it");
        }
        Assumptions.assumeTrue(false, what + " is missing; the test is skipped outside CI");
    }
}
