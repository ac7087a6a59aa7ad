package com.example.signgd;

import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SignGdTest {
    @Test
    void movesEachCoordinateByStepsizeAgainstTheGradientSign() {
        HostTensor w = HostTensor.of(new double[]{1.0, 2.0, 3.0}, 3);
        HostTensor g = HostTensor.of(new double[]{-5.0, 0.0, 0.25}, 3);
        new SignGd(0.5).step(List.of(w), List.of(g), new StepInfo(0, 1, 1.0));
        assertThat(w.toDoubleArray()).containsExactly(1.5, 2.0, 2.5);
    }
}
