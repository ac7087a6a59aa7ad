package io.suffice.downstream.contrastive;

import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GuideTargetTest {

    @Test
    void logMessagesAreTheLogsOfTheBeliefsOverTheirMaximumFlooredWhereTheBeliefUnderflowed() {
        // two nodes of S = 3: beliefs (0.5, 0.25, 0.25) and (0.9, 0.1, 0) -- h_u up to a constant
        HostTensor beliefs = HostTensor.of(new float[]{0.5f, 0.25f, 0.25f, 0.9f, 0.1f, 0f}, 1, 2, 3);
        double[] got = ClipModel.maxNormalisedLogs(beliefs, 3).toDoubleArray();
        assertThat(got[0]).isEqualTo(0);
        assertThat(got[1]).isCloseTo(Math.log(0.5), within(1e-6));
        assertThat(got[2]).isCloseTo(Math.log(0.5), within(1e-6));
        assertThat(got[3]).isEqualTo(0);
        assertThat(got[4]).isCloseTo(Math.log(0.1 / 0.9), within(1e-6));
        assertThat(got[5]).isEqualTo(ClipModel.LOG_MESSAGE_FLOOR);
        // invariant to the normalising constant of h_u, as max-normalised log-messages are
        HostTensor scaled = HostTensor.of(new float[]{5e-3f, 2.5e-3f, 2.5e-3f, 9f, 1f, 0f}, 1, 2, 3);
        assertThat(ClipModel.maxNormalisedLogs(scaled, 3).toDoubleArray()).containsExactly(got, within(1e-6));
    }

    @Test
    void targetsAreNamedAsInTheConfig() {
        assertThat(ClipModel.GuideTarget.of("log-messages")).isEqualTo(ClipModel.GuideTarget.LOG_MESSAGES);
        assertThat(ClipModel.GuideTarget.of("beliefs")).isEqualTo(ClipModel.GuideTarget.BELIEFS);
        assertThatThrownBy(() -> ClipModel.GuideTarget.of("probabilities")).hasMessageContaining("log-messages");
    }
}
