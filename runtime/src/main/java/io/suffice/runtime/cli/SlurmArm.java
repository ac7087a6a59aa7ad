package io.suffice.runtime.cli;

import io.suffice.api.graph.ExecutionConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where {@code suffice run CONFIG --arm N} runs and with how many threads. */
final class SlurmArm {
    private SlurmArm() {
    }

    /**
     * The ONNX Runtime threads of an arm: the CPUs Slurm granted the task ({@code SLURM_CPUS_PER_TASK}), else the
     * default of a local run.
     */
    static int cpus(Map<String, String> env) {
        String granted = env.get("SLURM_CPUS_PER_TASK");
        if (granted != null && granted.strip().matches("\\d+") && Integer.parseInt(granted.strip()) > 0) {
            return Integer.parseInt(granted.strip());
        }
        return ExecutionConfig.defaults().intraOpThreads();
    }

    /** The run folder holding {@code config} (its {@code config.yaml} beside {@code arms.json}), or null. */
    static Path runFolderOf(Path config) {
        if (config == null) {
            return null;
        }
        Path parent = config.toAbsolutePath().normalize().getParent();
        return parent != null && Files.exists(parent.resolve("arms.json"))
                && config.getFileName().toString().equals("config.yaml") ? parent : null;
    }
}
