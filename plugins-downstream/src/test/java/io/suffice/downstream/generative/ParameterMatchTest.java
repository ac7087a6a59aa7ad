package io.suffice.downstream.generative;

import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mismatch messages of stored against configured parameters (a frozen tower from a clip run). */
class ParameterMatchTest {
    @Test
    void theFirstMismatchingParameterIsNamed() {
        Map<String, HostTensor> configured = new LinkedHashMap<>();
        configured.put("a", HostTensor.of(new float[2], 2));
        configured.put("b", HostTensor.of(new float[6], 2, 3));
        configured.put("c", HostTensor.of(new float[1], 1));
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        stored.put("a", HostTensor.of(new float[2], 2));
        stored.put("b", HostTensor.of(new float[6], 3, 2));
        assertThat(ParameterMatch.firstMismatch(configured, stored, false))
                .contains("parameter 'b': configured FLOAT32[2, 3], stored FLOAT32[3, 2]");
        stored.put("b", HostTensor.of(new float[6], 2, 3));
        assertThat(ParameterMatch.firstMismatch(configured, stored, false))
                .contains("parameter 'c' (FLOAT32[1]) is configured but not stored");
        stored.put("c", HostTensor.of(new float[1], 1));
        stored.put("d", HostTensor.of(new float[1], 1));
        assertThat(ParameterMatch.firstMismatch(configured, stored, true)).isEmpty();
        assertThatThrownBy(() -> ParameterMatch.require("checkpoint x.bin", "model", configured, stored, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint x.bin does not match the configured model: parameter 'd' (FLOAT32[1]) is "
                        + "stored but not configured");
    }
}
