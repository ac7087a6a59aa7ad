package io.suffice.runtime.properties;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Checkpoint;
import io.suffice.runtime.engine.Checkpoints;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint written and read back is the same checkpoint: the step, every metadata string (any Unicode, empty, or
 * JSON-like), and every tensor of every dtype and shape (scalars and empty tensors included) bit for bit, NaN payloads
 * and negative zeros too.
 */
class CheckpointRoundTripProperties {

    @Provide
    Arbitrary<HostTensor> tensors() {
        Arbitrary<DType> dtypes = Arbitraries.of(DType.values());
        Arbitrary<long[]> shapes = Arbitraries.longs().between(0, 4).array(long[].class).ofMaxSize(3);
        return Combinators.combine(dtypes, shapes, Arbitraries.randomValue(r -> r.nextLong()))
                .as((dtype, dims, seed) -> {
                    HostTensor t = HostTensor.zeros(dtype, Shape.of(dims));
                    ByteBuffer b = t.buffer();
                    java.util.Random r = new java.util.Random(seed);
                    while (b.hasRemaining()) {
                        // any bit pattern (NaN payloads, -0.0, subnormals) except in BOOL, which holds 0 or 1
                        b.put(dtype == DType.BOOL ? (byte) r.nextInt(2) : (byte) r.nextInt());
                    }
                    return t;
                });
    }

    @Provide
    Arbitrary<Map<String, HostTensor>> groups() {
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(12), tensors()).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(10)
                        .filter(k -> !k.equals("step") && !k.equals("format")),
                Arbitraries.strings().ofMaxLength(40)).ofMaxSize(4);
    }

    @Property(tries = 150)
    void writeThenReadGivesTheSameCheckpoint(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long step,
                                             @ForAll("groups") Map<String, HostTensor> params,
                                             @ForAll("groups") Map<String, HostTensor> optim,
                                             @ForAll("groups") Map<String, HostTensor> carried,
                                             @ForAll("metadata") Map<String, String> metadata) throws IOException {
        Path dir = Files.createTempDirectory("checkpoint-round-trip");
        Path file = dir.resolve("checkpoint.safetensors");
        try {
            Checkpoints.write(file, new Checkpoint(step, params, optim, carried, metadata));
            Checkpoint back = Checkpoints.read(file);
            assertThat(back.step()).isEqualTo(step);
            assertThat(back.metadata()).isEqualTo(metadata);
            assertSame(back.params(), params);
            assertSame(back.optimizerState(), optim);
            assertSame(back.carried(), carried);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static void assertSame(Map<String, HostTensor> got, Map<String, HostTensor> want) {
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
        want.forEach((k, w) -> {
            HostTensor g = got.get(k);
            assertThat(g.dtype()).as(k).isEqualTo(w.dtype());
            assertThat(g.shape()).as(k).isEqualTo(w.shape());
            assertThat(bytes(g)).as(k).isEqualTo(bytes(w));
        });
    }

    private static byte[] bytes(HostTensor t) {
        ByteBuffer b = t.buffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
