package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Input checks of the oracle. Its answers are checked against enumeration in {@link JghmBeliefPropagationBruteForceTest}
 * and {@link JghmDeepTreeEnumerationTest}; the tasks' risks built from them in plugins-downstream's
 * {@code BayesRisksTest}.
 */
class JghmBayesOracleTest {

    @Test
    void rejectsMalformedInputs() {
        JghmBayesOracle oracle = new JghmBayesOracle(JghmModel.paper(0.2, 1));
        assertThat(oracle.states()).isEqualTo(10);
        assertThat(oracle.leaves(Modality.TEXT)).isEqualTo(81);
        assertThatThrownBy(() -> oracle.rootPosterior(Modality.TEXT, HostTensor.of(new long[80], 1, 80)))
                .hasMessageContaining("int64 [..., 81]");
        long[] bad = new long[81];
        bad[5] = 10;
        assertThatThrownBy(() -> oracle.rootPosterior(Modality.IMAGE, HostTensor.of(bad, 1, 81)))
                .hasMessageContaining("flat index 5 = 10");
        JghmModel other = TransitionMatrixGenerator.generate(new JghmSpec(10, 3, 3, 4, 3, 0.2, 0.2, 1, 1));
        assertThatThrownBy(() -> new JghmBayesOracle(JghmModel.paper(0.2, 1), other))
                .hasMessageContaining("text trees");
    }
}
