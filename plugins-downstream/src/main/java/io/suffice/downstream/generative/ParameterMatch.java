package io.suffice.downstream.generative;

import io.suffice.api.tensor.HostTensor;

import java.util.Map;
import java.util.Optional;

/**
 * Compares stored parameter values with the parameters a configured architecture declares, so a checkpoint from
 * another config fails with one message naming the first parameter that differs (missing, extra, or of another dtype
 * or shape) instead of an index error deep in ONNX Runtime.
 */
public final class ParameterMatch {
    private ParameterMatch() {
    }

    /**
     * The first mismatch, in the declaration order of {@code expected} and then of {@code stored}.
     *
     * @param expected    the configured parameters by name (their dtype and shape count, not their values)
     * @param stored      the values to load
     * @param extraAllowed whether {@code stored} may hold parameters {@code expected} lacks (a clip checkpoint holds
     *                    both towers; a frozen tower takes one)
     * @return a description such as {@code parameter 'x.weight': configured FLOAT32[32, 10], stored FLOAT32[64, 10]}
     */
    public static Optional<String> firstMismatch(Map<String, HostTensor> expected, Map<String, HostTensor> stored,
                                                 boolean extraAllowed) {
        for (var e : expected.entrySet()) {
            HostTensor s = stored.get(e.getKey());
            HostTensor x = e.getValue();
            if (s == null) {
                return Optional.of("parameter '" + e.getKey() + "' (" + x + ") is configured but not stored");
            }
            if (s.dtype() != x.dtype() || !s.shape().equals(x.shape())) {
                return Optional.of("parameter '" + e.getKey() + "': configured " + x + ", stored " + s);
            }
        }
        if (!extraAllowed) {
            for (var e : stored.entrySet()) {
                if (!expected.containsKey(e.getKey())) {
                    return Optional.of("parameter '" + e.getKey() + "' (" + e.getValue() + ") is stored but not "
                            + "configured");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Throws an {@link IllegalArgumentException} {@code "<source> does not match the configured <what>: <first
     * mismatch>"} when {@link #firstMismatch} finds one.
     */
    public static void require(String source, String what, Map<String, HostTensor> expected,
                               Map<String, HostTensor> stored, boolean extraAllowed) {
        firstMismatch(expected, stored, extraAllowed).ifPresent(m -> {
            throw new IllegalArgumentException(source + " does not match the configured " + what + ": " + m);
        });
    }
}
