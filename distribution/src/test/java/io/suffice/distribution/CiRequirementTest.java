package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CI rule: a missing requirement skips the test off CI and fails it on CI; a present one does neither. */
class CiRequirementTest {

    @Test
    void missingSkipsOffCiAndFailsOnCi() {
        assertThatThrownBy(() -> CiRequirement.require(false, "package x", false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("package x");
        assertThatThrownBy(() -> CiRequirement.require(false, "package x", true))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("package x")
                .hasMessageContaining("CI=true");
        assertThatCode(() -> CiRequirement.require(true, "package x", true)).doesNotThrowAnyException();
        assertThatCode(() -> CiRequirement.require(true, "package x", false)).doesNotThrowAnyException();
    }
}
