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

    @Test
    void resultFilesGetTheSamePermissionsAsAnyFileThisProcessCreates() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");   // honours the umask
        Path atomic = dir.resolve("summary.json");
        AtomicFiles.writeString(atomic, "{}");
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(Files.getPosixFilePermissions(plain))
                .contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
    }

    @Test
    void temporariesOfAKilledWriteAreRemovedWhenTheFolderIsUsedAgain() throws IOException {
        Path target = dir.resolve("checkpoint.safetensors");
        AtomicFiles.writeString(target, "complete");
        // what a process killed inside write() leaves behind: the hidden temporary beside the target
        java.util.concurrent.atomic.AtomicReference<Path> left = new java.util.concurrent.atomic.AtomicReference<>();
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            try (var files = Files.list(dir)) {
                left.set(files.filter(p -> !p.equals(target)).findFirst().orElseThrow());
            }
            Files.copy(left.get(), dir.resolve(left.get().getFileName() + ".copy"));
            throw new IOException("killed");
        })).isInstanceOf(UncheckedIOException.class);
        Path stale = dir.resolve(left.get().getFileName().toString());
        Files.move(dir.resolve(left.get().getFileName() + ".copy"), stale);
        Path unrelated = Files.writeString(dir.resolve(".hidden-but-mine"), "keep");
        assertThat(AtomicFiles.removeStaleTemporaries(dir)).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(target, unrelated);
        }
        assertThat(Files.readString(target)).isEqualTo("complete");
    }
}
