package io.suffice.api.plugin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginConfigTest {
    private final PluginConfig config = new PluginConfig(PluginKind.OPTIMIZER, "gd",
            Map.of("stepsize", 2.0, "steps", 5_000_000_000L, "schedule", "cosine", "etas", List.of(1.0, 2.0)));

    @Test
    void typedGettersReturnTheValues() {
        assertThat(config.getDouble("stepsize")).isEqualTo(2.0);
        assertThat(config.getLong("steps")).isEqualTo(5_000_000_000L);
        assertThat(config.getString("schedule")).isEqualTo("cosine");
        assertThat(config.getDoubleList("etas")).containsExactly(1.0, 2.0);
    }

    @Test
    void errorsNameThePluginAndParameter() {
        assertThatThrownBy(() -> config.getInt("steps"))
                .hasMessage("optimizer 'gd' parameter steps = 5000000000 does not fit a 32-bit integer");
        assertThatThrownBy(() -> config.getDouble("schedule"))
                .hasMessage("optimizer 'gd' parameter schedule has type String, not Double");
        assertThatThrownBy(() -> config.getDouble("momentum"))
                .hasMessageStartingWith("optimizer 'gd' parameter momentum is not set");
        assertThat(config.invalid("stepsize", "must be positive"))
                .hasMessage("optimizer 'gd' parameter stepsize = 2.0: must be positive");
    }

    @Test
    void kindsParseFromTheirLabels() {
        assertThat(PluginKind.fromLabel("Dataset")).isEqualTo(PluginKind.DATASET);
        assertThatThrownBy(() -> PluginKind.fromLabel("model"))
                .hasMessage("unknown plugin kind 'model'; choices: [encoder, optimizer, downstream, dataset]");
    }

    @Test
    void aChoiceParameterDefaultsToItsFirstChoice() {
        ParameterSpec s = ParameterSpec.ofChoice("activation", "phi", "leaky-softplus", "gelu");
        assertThat(s.defaultValue()).isEqualTo("leaky-softplus");
        assertThat(s.choices()).containsExactly("leaky-softplus", "gelu");
    }
}
