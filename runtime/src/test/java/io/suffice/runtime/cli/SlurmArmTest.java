package io.suffice.runtime.cli;

import io.suffice.api.graph.ExecutionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An arm uses the CPUs Slurm granted, and runs in the run folder whose config.yaml it was given. */
class SlurmArmTest {
    @TempDir
    Path dir;

    @Test
    void theArmUsesTheCpusSlurmGranted() {
        assertThat(SlurmArm.cpus(Map.of("SLURM_CPUS_PER_TASK", "6"))).isEqualTo(6);
        int local = ExecutionConfig.defaults().intraOpThreads();
        assertThat(SlurmArm.cpus(Map.of())).isEqualTo(local);
        assertThat(SlurmArm.cpus(Map.of("SLURM_CPUS_PER_TASK", "0"))).isEqualTo(local);
        assertThat(SlurmArm.cpus(Map.of("SLURM_CPUS_PER_TASK", "x"))).isEqualTo(local);
    }

    @Test
    void aRunFoldersConfigNamesItsRunFolder() throws Exception {
        Path run = Files.createDirectories(dir.resolve("runs/s-1"));
        Files.writeString(run.resolve("config.yaml"), "");
        assertThat(SlurmArm.runFolderOf(run.resolve("config.yaml"))).isNull(); // no arm list: not a Slurm run folder
        Files.writeString(run.resolve("arms.json"), "{}");
        assertThat(SlurmArm.runFolderOf(run.resolve("config.yaml"))).isEqualTo(run.toAbsolutePath().normalize());
        Files.writeString(run.resolve("other.yaml"), "");
        assertThat(SlurmArm.runFolderOf(run.resolve("other.yaml"))).isNull();
        assertThat(SlurmArm.runFolderOf(null)).isNull();
    }
}
