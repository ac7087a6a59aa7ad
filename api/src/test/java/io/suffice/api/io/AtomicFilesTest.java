package io.suffice.api.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesEvenWhenTheWriterClosesTheStream() throws IOException {
        Path f = dir.resolve("sub/summary.json");
        AtomicFiles.writeString(f, "first");
        AtomicFiles.write(f, out -> {
            out.write("second".getBytes());
            out.close();
        });
        assertThat(Files.readString(f)).isEqualTo("second");
        try (var files = Files.list(f.getParent())) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("checkpoint.safetensors");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half of the new conte".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write " + f).hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }
}
