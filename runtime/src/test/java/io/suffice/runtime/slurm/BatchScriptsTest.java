package io.suffice.runtime.slurm;

import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.config.SlurmSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated batch scripts: every option in its #SBATCH line, requeue and signal, the arm command. */
class BatchScriptsTest {
    private static RunSettings run(SlurmSettings slurm) {
        return new RunSettings("grid", 1, Path.of("runs"), Path.of("plugins"), 1, "cpu", 0, "", List.of(), "slurm",
                slurm);
    }

    @Test
    void theArmsScriptRunsOneArmPerArrayTaskWithEveryOption() {
        SlurmSettings s = new SlurmSettings("gpu", "02:00:00", 4, "16G", "gpu:1", "lab", "high", 3,
                List.of("--constraint=a100"), List.of("module load java/17"));
        BatchScripts b = BatchScripts.of(Path.of("/shared/runs/grid-1"), Path.of("/shared/work"),
                List.of("/opt/suffice/bin/suffice"), run(s), 20);
        String script = b.armsScript();
        assertThat(script).startsWith("#!/bin/bash\n").contains(
                "#SBATCH --job-name=suffice-grid\n", "#SBATCH --array=0-19%3\n", "#SBATCH --partition=gpu\n",
                "#SBATCH --time=02:00:00\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --mem=16G\n",
                "#SBATCH --gres=gpu:1\n", "#SBATCH --account=lab\n", "#SBATCH --qos=high\n",
                "#SBATCH --requeue\n", "#SBATCH --signal=B:TERM@120\n", "#SBATCH --chdir=/shared/work\n",
                "#SBATCH --output=/shared/runs/grid-1/slurm/logs/arm-%a.out\n", "#SBATCH --constraint=a100\n",
                "\nmodule load java/17\n",
                "setsid /opt/suffice/bin/suffice run /shared/runs/grid-1/config.yaml --arm \"$SLURM_ARRAY_TASK_ID\" &",
                "-XX:ActiveProcessorCount=${SLURM_CPUS_PER_TASK:-1}",
                "scontrol requeue \"$task\"", "JobState=SIGNALING");
        // sbatch reads options only up to the first command: every #SBATCH line comes before it
        int lastOption = script.lastIndexOf("#SBATCH");
        int firstCommand = script.indexOf("\nmodule load");
        assertThat(lastOption).isLessThan(firstCommand);
        assertThat(b.array("3,5")).isEqualTo("3,5%3");
    }

    @Test
    void unsetOptionsAreLeftToTheClusterAndOneArmIsArrayZero() {
        BatchScripts b = BatchScripts.of(Path.of("/r"), Path.of("/w"), List.of("java", "-cp", "a b.jar", "Main"),
                run(SlurmSettings.defaults()), 1);
        String script = b.armsScript();
        assertThat(script).contains("#SBATCH --array=0\n", "#SBATCH --cpus-per-task=1\n")
                .doesNotContain("--partition", "--time", "--mem", "--gres", "--account", "--qos");
        assertThat(script).contains("setsid java -cp 'a b.jar' Main run /r/config.yaml --arm");
        assertThat(b.collectScript()).contains("#SBATCH --job-name=suffice-grid-collect\n",
                "exec java -cp 'a b.jar' Main sweep collect /r\n").doesNotContain("--array");
    }

    @Test
    void shellWordsAreQuoted() {
        assertThat(BatchScripts.quote("/opt/x/bin/suffice")).isEqualTo("/opt/x/bin/suffice");
        assertThat(BatchScripts.quote("it's here")).isEqualTo("'it'\\''s here'");
    }

    @Test
    void theJobIdIsTheLastLineOfParsableOutput() {
        assertThat(SlurmSweep.jobId("1234\n")).isEqualTo("1234");
        assertThat(SlurmSweep.jobId("warning: x\n77;cluster\n")).isEqualTo("77");
    }
}
